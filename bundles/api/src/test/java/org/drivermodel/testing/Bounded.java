package org.drivermodel.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits and test threads for the unit tests of every module (published in the lifetime
 * module's test jar): every wait has a deadline and fails the test when it passes, and a test
 * thread's failure fails the test that joins it.
 */
public final class Bounded {

    /** Generous bound for what happens "at once": only a broken build waits this long. */
    public static final long SECONDS = 10;

    private Bounded() {
    }

    public static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(SECONDS, TimeUnit.SECONDS), "latch not reached in " + SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    public static void await(CyclicBarrier barrier) {
        try {
            barrier.await(SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        } catch (BrokenBarrierException | TimeoutException e) {
            fail("barrier not reached in " + SECONDS + " s", e);
        }
    }

    /** Waits for a condition another thread makes true, yielding meanwhile; bounded. */
    public static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not reached in " + SECONDS + " s: " + what);
            }
            Thread.yield();
        }
    }

    /** Joins a thread, failing the test if it has not ended in time. */
    public static void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        assertFalse(t.isAlive(), t.getName() + " did not finish in " + SECONDS + " s (deadlock?)");
    }

    /** What a {@link Worker} runs when it has no result. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /**
     * A daemon test thread (a stuck one does not keep the JVM alive) whose result or failure is
     * collected by {@link #finish()}.
     */
    public static final class Worker<T> extends Thread {
        private final Callable<T> body;
        private volatile T result;          /* written by this thread before it ends */
        private volatile Throwable failure; /* written by this thread before it ends */

        private Worker(String name, Callable<T> body) {
            super(name);
            this.body = body;
            setDaemon(true);
        }

        /** @return the started thread, computing a result */
        public static <T> Worker<T> start(String name, Callable<T> body) {
            Worker<T> w = new Worker<>(name, body);
            w.start();
            return w;
        }

        /** @return the started thread */
        public static Worker<Void> start(String name, Body body) {
            return start(name, () -> {
                body.run();
                return null;
            });
        }

        @Override
        public void run() {
            try {
                result = body.call();
            } catch (Throwable e) {
                failure = e;
            }
        }

        /** Joins with a deadline and rethrows what the body threw. @return the body's result */
        public T finish() {
            Bounded.join(this);
            if (failure != null) {
                fail(getName() + " failed: " + failure, failure);
            }
            return result;
        }
    }
}
