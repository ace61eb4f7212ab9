package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * A device lock (Linux {@code device_lock}) that names its holder: a removal that cannot take
 * it within its deadline reports the thread holding it (a probe stuck in driver code), as
 * Linux's hung-task detector names the task that holds a lock too long.
 *
 * <p>Concurrency: a {@link ReentrantLock}; {@link #holder} reads the owner racily, for reports.
 */
final class DeviceLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    /** @return the thread holding it now, or null; a racy snapshot for reports */
    Thread holder() {
        return getOwner();
    }

    /**
     * Takes the lock, waiting at most {@code deadline}; an interrupt is kept for the caller and
     * the wait goes on (a removal must not be cut short by it).
     *
     * @return true if taken
     */
    boolean lockWithin(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return tryLock(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Takes the lock for a management call (manual bind and unbind, an override, a pin), waiting
     * at most {@code deadline} as {@link #lockWithin} does, or refuses: the holder is a probe or
     * remove stuck in driver code, and the caller gets EBUSY rather than wait for it.
     *
     * @param device the device's path, for the error
     * @throws DriverModelException {@code EBUSY} if the lock was not taken within the deadline
     */
    void lockOrBusy(Duration deadline, String device) {
        if (!lockWithin(deadline)) {
            throw new DriverModelException(Errno.EBUSY, device, "its probe or remove has not returned within "
                    + deadline.toMillis() + " ms");
        }
    }
}
