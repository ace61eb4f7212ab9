package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The device lock: a reentrant exclusive lock embedded in the device, that names its holder,
 * waits within a deadline, and parks its waiters on wait queues shared by many locks.
 *
 * <p>A waiter waits up to {@link #WAITER_DEADLINE} but must have the lock within
 * {@link #WAKE_UP} of its holder letting go: a waiter never woken still takes the lock when its
 * own wait times out, so only a verdict far shorter than its wait sees a lost wake-up.
 */
@Timeout(30)
class DeviceLockTest {

    private static final Duration WAITER_DEADLINE = Duration.ofSeconds(60);
    private static final long WAKE_UP = 5; // seconds

    private final DeviceLock lock = new DeviceLock();

    @Test
    void itIsReentrantAndFreeOnlyWhenEveryHoldIsLetGo() throws Exception {
        assertNull(lock.holder());
        assertTrue(lock.lockWithin(Duration.ZERO), "a free lock is taken at once");
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
            assertTrue(lock.lockWithin(Duration.ZERO));
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

        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        Thread waiter = daemon(() -> {
            boolean t = lock.lockWithin(WAITER_DEADLINE);
            taken.complete(t);
            if (t) {
                lock.unlock();
            }
        }, "waiter");
        awaitWaiting(waiter);
        letGo.countDown();
        assertTrue(taken.get(WAKE_UP, TimeUnit.SECONDS), "the waiter was woken and took it when the holder let go");
        holder.join(10_000);
        waiter.join(10_000);
    }

    /** An interrupted waiter waits out its whole deadline, and keeps the interrupt for its caller. */
    @Test
    void anInterruptDoesNotCutTheWaitShortAndIsKept() throws Exception {
        assertTrue(lock.lockWithin(Duration.ZERO));
        try {
            CompletableFuture<long[]> waiter = CompletableFuture.supplyAsync(() -> {
                Thread.currentThread().interrupt();
                long start = System.nanoTime();
                boolean taken = lock.lockWithin(Duration.ofMillis(100));
                long waited = System.nanoTime() - start;
                return new long[] { taken ? 1 : 0, Thread.interrupted() ? 1 : 0, waited };
            });
            long[] r = waiter.get(10, TimeUnit.SECONDS);
            assertEquals(0, r[0], "not taken: held here");
            assertEquals(1, r[1], "the interrupt is kept for the caller");
            assertTrue(r[2] >= TimeUnit.MILLISECONDS.toNanos(100), "waited its deadline out, not cut short: " + r[2] + " ns");
        } finally {
            lock.unlock();
        }
    }

    /** A waiter interrupted before it waits still takes the lock when the holder lets go, and keeps the interrupt. */
    @Test
    void anInterruptedWaiterTakesTheLockWhenLetGo() throws Exception {
        assertTrue(lock.lockWithin(Duration.ZERO));
        CompletableFuture<boolean[]> result = new CompletableFuture<>();
        Thread waiter = daemon(() -> {
            Thread.currentThread().interrupt();
            boolean taken = lock.lockWithin(WAITER_DEADLINE);
            boolean kept = Thread.interrupted();
            if (taken) {
                lock.unlock();
            }
            result.complete(new boolean[] { taken, kept });
        }, "interrupted-waiter");
        awaitWaiting(waiter); // past the interrupt: waiting again, for the rest of its deadline
        lock.unlock();
        boolean[] r = result.get(WAKE_UP, TimeUnit.SECONDS);
        assertTrue(r[0], "taken once let go");
        assertTrue(r[1], "the interrupt is kept for the caller");
    }

    /**
     * Many locks, each held, each with a thread waiting for it: 64 queues serve 200 locks, so
     * waiters of different locks share a queue and wake for each other's unlocks. Every waiter
     * gets its own lock once its holder lets go, and none gets one that is still held.
     */
    @Test
    void waitersOfLocksThatShareAQueueEachGetTheirOwn() throws Exception {
        int n = 200;
        DeviceLock[] locks = new DeviceLock[n];
        CountDownLatch held = new CountDownLatch(n);
        CountDownLatch letGo = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        AtomicInteger wrong = new AtomicInteger();
        AtomicInteger taken = new AtomicInteger();
        AtomicBoolean[] released = new AtomicBoolean[n];
        for (int i = 0; i < n; i++) {
            DeviceLock l = locks[i] = new DeviceLock();
            AtomicBoolean letGoOf = released[i] = new AtomicBoolean();
            Thread h = new Thread(() -> {
                assertTrue(l.lockWithin(Duration.ZERO));
                held.countDown();
                try {
                    letGo.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                letGoOf.set(true);
                l.unlock();
            }, "holder-" + i);
            threads.add(h);
            h.start();
        }
        assertTrue(held.await(10, TimeUnit.SECONDS));
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DeviceLock l = locks[i];
            AtomicBoolean letGoOf = released[i];
            Thread w = daemon(() -> {
                if (l.lockWithin(WAITER_DEADLINE)) {
                    if (!letGoOf.get() || l.holder() != Thread.currentThread()) {
                        wrong.incrementAndGet(); // taken while its holder still held it
                    }
                    taken.incrementAndGet();
                    l.unlock();
                }
            }, "waiter-" + i);
            waiters.add(w);
        }
        for (Thread w : waiters) {
            awaitWaiting(w);
        }
        letGo.countDown();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAKE_UP);
        for (Thread w : waiters) {
            w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            assertFalse(w.isAlive(), w.getName() + " was woken and took its lock within " + WAKE_UP + " s of the let-go");
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertEquals(n, taken.get(), "every waiter got its lock");
        assertEquals(0, wrong.get(), "no waiter took a lock its holder had not let go of");
        for (DeviceLock l : locks) {
            assertNull(l.holder());
        }
    }

    /** Four threads take one lock 20,000 times in all, each hold guarding a plain counter: no hold is lost or shared. */
    @Test
    void contendedTakesAreExclusive() throws Exception {
        int threads = 4;
        int rounds = 5_000;
        int[] counter = { 0 };
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            new Thread(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < rounds; i++) {
                        assertTrue(lock.lockWithin(WAITER_DEADLINE));
                        try {
                            counter[0]++;
                        } finally {
                            lock.unlock();
                        }
                    }
                    f.complete(null);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "taker-" + t).start();
        }
        start.countDown();
        for (CompletableFuture<Void> f : done) {
            f.get(15, TimeUnit.SECONDS);
        }
        assertEquals(threads * rounds, counter[0]);
        assertNull(lock.holder());
    }

    /** @return a started daemon thread (a waiter left behind by a failed test does not hold the JVM) */
    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void awaitWaiting(Thread t) throws InterruptedException {
        LockWaits.awaitWaitingForDeviceLock(t, Duration.ofSeconds(10));
    }
}
