package org.drivermodel.core.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The device lock (Linux {@code device_lock}, the mutex embedded in {@code struct device}),
 * embedded the same way: a {@link DeviceNode} is one, so a device costs two fields for its
 * lock and no object of its own (issue #19: it was an {@code AbstractQueuedSynchronizer} of 32
 * bytes per device, one more object for each young collection to copy at 100k devices). It is
 * reentrant, names its holder (a removal that cannot take it within its deadline reports the
 * thread holding it, a probe stuck in driver code, as Linux's hung-task detector names the task
 * that holds a lock too long), and every wait for it is bounded.
 *
 * <p>Its methods are package-private: a driver holds the node as a {@code Device} and cannot
 * reach them; the node's own monitor is not used, so a driver that synchronizes on its device
 * blocks nobody here.
 *
 * <p>Concurrency: {@link #owner} is set by compare-and-set from null to the taking thread and
 * back to null by a volatile write of the last unlock; {@link #holds} is written and read by
 * the owner only. A thread that has to wait does so on one of {@link #QUEUES} shared monitors,
 * chosen by the lock's hash (Linux's hashed wait queues of {@code wait_on_bit}: waiting is rare,
 * so a wait queue per device would be memory for nothing), after counting itself in
 * {@link #WAITING} and in its queue under that monitor. An unlock that sees nobody counted in
 * either touches no monitor; otherwise it wakes every waiter of its queue, and each tries
 * again (so a removal waiting out a hung probe costs the unlocks of the other 63 queues'
 * devices nothing). No wake-up is lost: a waiter counts itself before its failed try, the
 * unlock frees the owner before it reads the counts (all volatile, so one of the two sees the
 * other), and the waiter holds the queue's monitor from its count until it waits, so a wake-up
 * cannot come between.
 */
class DeviceLock {

    /** The shared wait queues (a power of two). */
    private static final int QUEUE_COUNT = 64;
    private static final WaitQueue[] QUEUES = new WaitQueue[QUEUE_COUNT];
    /** Threads waiting for any device lock: while none is, an unlock looks at no queue (nor at its own hash). */
    private static final AtomicInteger WAITING = new AtomicInteger();
    private static final VarHandle OWNER;

    /** A wait queue: its monitor parks the waiters of every lock that hashes to it. */
    private static final class WaitQueue {
        volatile int waiters; /* written under this monitor: threads parked here or about to be */
    }

    static {
        for (int i = 0; i < QUEUE_COUNT; i++) {
            QUEUES[i] = new WaitQueue();
        }
        try {
            OWNER = MethodHandles.lookup().findVarHandle(DeviceLock.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Thread owner; /* CAS via OWNER: the holding thread, or null */
    private int holds;             /* the owner's: how many times it took the lock */

    /** @return true if taken at once (free, or held by this thread) */
    private boolean tryTake(Thread me) {
        if (owner == me) {
            if (holds == Integer.MAX_VALUE) {
                throw new Error("maximum lock count exceeded");
            }
            holds++;
            return true;
        }
        if (owner == null && OWNER.compareAndSet(this, null, me)) {
            holds = 1;
            return true;
        }
        return false;
    }

    /**
     * Takes the lock, waiting at most {@code deadline}; an interrupt is kept for the caller and
     * the wait goes on (a removal must not be cut short by it).
     *
     * @return true if taken
     */
    boolean lockWithin(Duration deadline) {
        Thread me = Thread.currentThread();
        if (tryTake(me)) {
            return true;
        }
        long end = System.nanoTime() + deadline.toNanos();
        boolean interrupted = false;
        WaitQueue queue = queue();
        synchronized (queue) {
            queue.waiters++;
            WAITING.incrementAndGet();
            try {
                for (;;) {
                    if (tryTake(me)) {
                        return true;
                    }
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        queue.wait(left / 1_000_000, (int) (left % 1_000_000));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                WAITING.decrementAndGet();
                queue.waiters--;
                if (interrupted) {
                    me.interrupt();
                }
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

    /** Lets go of one hold. @throws IllegalMonitorStateException if the caller does not hold it */
    void unlock() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("device lock not held by " + Thread.currentThread().getName());
        }
        if (--holds > 0) {
            return;
        }
        owner = null; // the volatile write that publishes the release
        if (WAITING.get() != 0) {
            WaitQueue queue = queue();
            if (queue.waiters != 0) {
                synchronized (queue) {
                    queue.notifyAll();
                }
            }
        }
    }

    /** @return true if the calling thread holds it */
    boolean isHeldByCurrentThread() {
        return owner == Thread.currentThread();
    }

    /** @return the thread holding it now, or null; a racy snapshot for reports */
    Thread holder() {
        return owner;
    }

    /** @return this lock's wait queue: its identity hash, spread, picks one of the shared monitors */
    private WaitQueue queue() {
        int h = System.identityHashCode(this);
        return QUEUES[(h ^ (h >>> 16)) & (QUEUE_COUNT - 1)];
    }
}
