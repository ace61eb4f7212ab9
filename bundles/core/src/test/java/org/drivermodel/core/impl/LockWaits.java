package org.drivermodel.core.impl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

/**
 * Sees a thread wait for a device lock: parked in a timed wait inside
 * {@link DeviceLock#lockWithin}, as its stack shows (its state alone would not tell: a thread
 * may wait for class loading or a logger's lock).
 */
final class LockWaits {

    private LockWaits() {
    }

    /** @return true if {@code t} is parked in {@link DeviceLock#lockWithin} now */
    static boolean waitingForDeviceLock(Thread t) {
        if (t.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        StackTraceElement[] stack = t.getStackTrace();
        for (StackTraceElement e : stack) {
            if (e.getClassName().equals(DeviceLock.class.getName()) && e.getMethodName().equals("lockWithin")) {
                // Object.wait on JDK 17, Object.wait0 under it on later ones
                return stack.length > 0 && stack[0].getClassName().equals(Object.class.getName())
                        && stack[0].getMethodName().startsWith("wait");
            }
        }
        return false;
    }

    /** Waits until {@code t} waits for a device lock, failing if it ends first or at the deadline. */
    static void awaitWaitingForDeviceLock(Thread t, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!waitingForDeviceLock(t)) {
            assertTrue(t.isAlive(), t.getName() + " ended instead of waiting for the device lock");
            assertTrue(System.nanoTime() < end, t.getName() + " waits for the device lock");
            Thread.sleep(1);
        }
    }
}
