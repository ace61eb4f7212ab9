package org.drivermodel.itest;

import static org.drivermodel.itest.Waits.DEADLINE_SECONDS;
import static org.junit.Assert.assertFalse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The threads a test starts to stand inside driver code or to race it: named, daemon (a thread
 * a failed test leaves blocked in a driver does not keep the framework alive), and each joined
 * within {@link Waits#DEADLINE_SECONDS}. A body's exception ends its thread as an AssertionError
 * naming it; the test checks what the thread was to produce.
 */
final class TestThreads {

    /** What a thread runs. */
    interface Body {
        void run() throws Exception;
    }

    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    /** @return the started thread */
    Thread start(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new AssertionError(name + " failed", e);
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    /** Fails unless the thread ends within the deadline. */
    static void join(Thread t) throws InterruptedException {
        t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(t.getName() + " finished within " + DEADLINE_SECONDS + " s", t.isAlive());
    }

    /** Fails unless every thread started ends within the deadline. */
    void joinAll() throws InterruptedException {
        for (Thread t : threads) {
            join(t);
        }
    }

    /** For a test's tear-down: gives each thread the deadline to end, and does not fail. */
    void awaitAll() throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        }
    }
}
