package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * A device lock (Linux {@code device_lock}) that names its holder: a removal that cannot take
 * it within its deadline reports the thread holding it (a probe stuck in driver code), as
 * Linux's hung-task detector names the task that holds a lock too long.
 *
 * <p>Concurrency: a reentrant, non-fair exclusive lock, as {@code ReentrantLock}, built on the
 * synchronizer directly (the reentrant mutex of {@link AbstractQueuedSynchronizer}'s
 * documentation) so that it is one object per device, not a lock and its sync (issue #19: the
 * objects a young collection copies at 100k devices). The state is the hold count, the owner the
 * synchronizer's exclusive owner thread; {@link #holder} reads it racily, for reports.
 */
final class DeviceLock extends AbstractQueuedSynchronizer {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean tryAcquire(int acquires) {
        Thread current = Thread.currentThread();
        int held = getState();
        if (held == 0) {
            if (compareAndSetState(0, acquires)) {
                setExclusiveOwnerThread(current);
                return true;
            }
        } else if (current == getExclusiveOwnerThread()) {
            int next = held + acquires;
            if (next < 0) {
                throw new Error("maximum lock count exceeded");
            }
            setState(next); // only the owner writes it now
            return true;
        }
        return false;
    }

    @Override
    protected boolean tryRelease(int releases) {
        if (getExclusiveOwnerThread() != Thread.currentThread()) {
            throw new IllegalMonitorStateException();
        }
        int held = getState() - releases;
        boolean free = held == 0;
        if (free) {
            setExclusiveOwnerThread(null);
        }
        setState(held); // the volatile write that publishes the release
        return free;
    }

    @Override
    protected boolean isHeldExclusively() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }

    /** Takes the lock, waiting as long as it takes. */
    void lock() {
        acquire(1);
    }

    /** Lets go of one hold. @throws IllegalMonitorStateException if the caller does not hold it */
    void unlock() {
        release(1);
    }

    /** @return true if taken within the timeout */
    boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
        return tryAcquireNanos(1, unit.toNanos(timeout));
    }

    /** @return true if the calling thread holds it */
    boolean isHeldByCurrentThread() {
        return isHeldExclusively();
    }

    /** @return the thread holding it now, or null; a racy snapshot for reports */
    Thread holder() {
        return getExclusiveOwnerThread();
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
