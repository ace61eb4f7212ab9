package org.drivermodel.lifetime.primitives;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waits for tests: every wait has a deadline and fails the test when it passes. */
final class Await {

    /** Generous bound for things that happen "at once": only a broken build waits this long. */
    static final long SECONDS = 10;

    private Await() {
    }

    static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(SECONDS, TimeUnit.SECONDS), "latch not reached in " + SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    /** Waits for a condition that another thread makes true, yielding meanwhile; bounded. */
    static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not reached in " + SECONDS + " s: " + what);
            }
            Thread.yield();
        }
    }

    static void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        assertTrue(!t.isAlive(), t.getName() + " did not finish in " + SECONDS + " s");
    }
}
