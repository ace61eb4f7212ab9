package org.drivermodel.core.impl.sysfs;

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

/** Bounded waits and test threads: every wait has a deadline and fails the test when it passes. */
final class Bounded {

    /** Generous bound for what happens "at once": only a broken build waits this long. */
    static final long SECONDS = 10;

    private Bounded() {
    }

    static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(SECONDS, TimeUnit.SECONDS), "latch not reached in " + SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    static void await(CyclicBarrier barrier) {
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
    static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not reached in " + SECONDS + " s: " + what);
            }
            Thread.yield();
        }
    }

    /** A daemon test thread whose result or failure is collected by {@link #join()}. */
    static final class Worker<T> extends Thread {
        private final Callable<T> body;
        private volatile T result;          /* written by this thread before it ends */
        private volatile Throwable failure; /* written by this thread before it ends */

        private Worker(String name, Callable<T> body) {
            super(name);
            this.body = body;
            setDaemon(true);
        }

        static <T> Worker<T> start(String name, Callable<T> body) {
            Worker<T> w = new Worker<>(name, body);
            w.start();
            return w;
        }

        @Override
        public void run() {
            try {
                result = body.call();
            } catch (Throwable e) {
                failure = e;
            }
        }

        /** Joins with a deadline and rethrows what the body threw. */
        T finish() {
            join0();
            if (failure != null) {
                fail(getName() + " failed: " + failure, failure);
            }
            return result;
        }

        /** @return what the body threw (after join), or null */
        Throwable failure() {
            join0();
            return failure;
        }

        private void join0() {
            try {
                join(TimeUnit.SECONDS.toMillis(SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
            assertFalse(isAlive(), getName() + " did not finish in " + SECONDS + " s (deadlock?)");
        }
    }
}
