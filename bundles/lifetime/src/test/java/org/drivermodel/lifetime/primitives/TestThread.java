package org.drivermodel.lifetime.primitives;

import static org.junit.jupiter.api.Assertions.fail;

/** A test thread whose failure fails the test when it is {@link #finish() finished}. */
final class TestThread extends Thread {

    interface Body {
        void run() throws Exception;
    }

    private final Body body;
    private volatile Throwable failure; /* written by this thread before it terminates */

    private TestThread(String name, Body body) {
        super(name);
        this.body = body;
        setDaemon(true); // a stuck test thread must not keep the JVM alive
    }

    static TestThread start(String name, Body body) {
        TestThread t = new TestThread(name, body);
        t.start();
        return t;
    }

    @Override
    public void run() {
        try {
            body.run();
        } catch (Throwable e) {
            failure = e;
        }
    }

    /** Joins with a deadline and rethrows what the body threw. */
    void finish() {
        Await.join(this);
        if (failure != null) {
            fail(getName() + " failed", failure);
        }
    }
}
