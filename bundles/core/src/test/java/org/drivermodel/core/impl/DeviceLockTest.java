package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The device lock: a reentrant exclusive lock that names its holder and waits within a deadline. */
@Timeout(20)
class DeviceLockTest {

    private final DeviceLock lock = new DeviceLock();

    @Test
    void itIsReentrantAndFreeOnlyWhenEveryHoldIsLetGo() throws Exception {
        assertNull(lock.holder());
        lock.lock();
        assertTrue(lock.lockWithin(Duration.ZERO), "the holder takes it again at once");
        assertEquals(Thread.currentThread(), lock.holder());
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
        assertTrue(lock.isHeldByCurrentThread(), "one hold is left");
        assertFalse(CompletableFuture.supplyAsync(() -> lock.lockWithin(Duration.ofMillis(50))).get(10, TimeUnit.SECONDS),
                "another thread does not get it while a hold is left");
        lock.unlock();
        assertNull(lock.holder());
        assertFalse(lock.isHeldByCurrentThread());
        assertThrows(IllegalMonitorStateException.class, lock::unlock, "letting go of a lock not held is a bug");
    }

    @Test
    void aWaiterGetsItWhenTheHolderLetsGoAndAManagementCallGetsEbusyPastItsDeadline() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            lock.lock();
            held.countDown();
            try {
                letGo.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }, "holder");
        holder.start();
        assertTrue(held.await(10, TimeUnit.SECONDS));
        assertEquals(holder, lock.holder(), "a report names the holder");
        assertThrows(IllegalMonitorStateException.class, lock::unlock, "only the holder lets go");
        assertErrno(Errno.EBUSY, () -> lock.lockOrBusy(Duration.ofMillis(20), "/devices/fake/d1"));

        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> lock.lockWithin(Duration.ofSeconds(10)));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!lock.hasQueuedThreads()) {
            assertTrue(System.nanoTime() < end, "the waiter queues for the lock");
            Thread.onSpinWait();
        }
        letGo.countDown();
        assertTrue(waiter.get(10, TimeUnit.SECONDS), "the waiter took it when the holder let go");
        holder.join(10_000);
    }

    @Test
    void anInterruptDoesNotCutTheWaitShortAndIsKept() throws Exception {
        lock.lock();
        try {
            CompletableFuture<boolean[]> waiter = CompletableFuture.supplyAsync(() -> {
                Thread.currentThread().interrupt();
                boolean taken = lock.lockWithin(Duration.ofMillis(100));
                return new boolean[] { taken, Thread.interrupted() };
            });
            boolean[] r = waiter.get(10, TimeUnit.SECONDS);
            assertFalse(r[0], "not taken: held here");
            assertTrue(r[1], "the interrupt is kept for the caller");
        } finally {
            lock.unlock();
        }
    }
}
