package org.drivermodel.block.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.drivermodel.block.BlockOp;
import org.drivermodel.block.BlockRequest;
import org.drivermodel.block.DiskStats;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request queue's disconnect-now: exactly-once completion, drain, abort, containment. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RequestQueueTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private final List<String> reports = new CopyOnWriteArrayList<>();

    private static ByteBuffer block() {
        return ByteBuffer.allocate(512);
    }

    private static Errno errnoOf(CompletableFuture<Void> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(LONG.toSeconds(), TimeUnit.SECONDS));
        return ((DriverModelException) e.getCause()).errno();
    }

    private static void assertBalanced(DiskStats s) {
        assertEquals(s.submitted(), s.succeeded() + s.failed() + s.inFlight(), s.toString());
    }

    @Test
    void aRequestCompletesOnceAndASecondCompletionIsIgnoredAndReported() throws Exception {
        RequestQueue q = new RequestQueue("ram0", 4, r -> {
            r.complete();
            r.complete();
            r.fail(Errno.EIO, "again");
        }, reports::add);
        q.submit(BlockOp.READ, 0, block()).get(LONG.toSeconds(), TimeUnit.SECONDS);
        DiskStats s = q.stats();
        assertEquals(1, s.submitted());
        assertEquals(1, s.succeeded());
        assertEquals(2, s.ignoredCompletions());
        assertEquals(2, reports.size());
        assertTrue(reports.get(0).contains("completed again"), reports.toString());
    }

    /**
     * A submitter that took a tag just as a kill began backs out (ENODEV, nothing counted) unless
     * the kill's abort completed its request first; then the request counts as submitted and
     * failed, never as failed alone. Both orders, decided by the request's one atomic state.
     */
    @Test
    void aRequestWithdrawnBeforeTheKillsAbortCountsNothingAndOneAbortedFirstIsAdmitted() {
        List<String> counted = new ArrayList<>();
        Request.Queue queue = new Request.Queue() {
            public String name() {
                return "ram0";
            }

            public void completed(Request r, boolean ok, boolean handlerReturned) {
                counted.add("completed ok=" + ok);
            }

            public void ignoredCompletion(Request r, Errno errno) {
                counted.add("ignored " + errno);
            }
        };
        Request withdrawn = new Request(queue, 0, BlockOp.READ, 0, block());
        assertTrue(withdrawn.withdraw(), "the submitter backs out first");
        assertFalse(withdrawn.finish(Errno.EIO, "aborted", true), "the kill's abort then finds it done");
        assertFalse(withdrawn.inHandler(), "a kill does not name its submitter as inside the handler");
        assertEquals(List.of(), counted, "nothing counted: it was never submitted");

        Request aborted = new Request(queue, 1, BlockOp.READ, 0, block());
        assertTrue(aborted.finish(Errno.EIO, "aborted", true), "the kill's abort comes first");
        assertFalse(aborted.withdraw(), "then the submitter cannot back out: it was admitted");
        assertTrue(aborted.future().isCompletedExceptionally());
        assertEquals(List.of("completed ok=false"), counted, "one completion, to be matched by one submission");
    }

    @Test
    void aHandlerThatThrowsFailsItsRequestWithEioAndIsReported() {
        RequestQueue q = new RequestQueue("ram0", 4, r -> {
            throw new IllegalStateException("broken driver");
        }, reports::add);
        assertEquals(Errno.EIO, errnoOf(q.submit(BlockOp.WRITE, 0, block())));
        assertEquals(1, q.stats().handlerFailures());
        assertEquals(1, q.stats().failed());
        assertTrue(reports.get(0).contains("broken driver"), reports.toString());
    }

    @Test
    void aHandlerThrowingAnExceptionWhoseToStringThrowsIsStillContained() throws Exception {
        RequestQueue q = new RequestQueue("ram0", 4, r -> {
            throw new IllegalStateException() {
                @Override
                public String toString() {
                    throw new IllegalArgumentException("hostile toString");
                }
            };
        }, reports::add);
        assertEquals(Errno.EIO, errnoOf(q.submit(BlockOp.READ, 0, block())));
        assertEquals(0, q.inFlight(), "its tag was freed");
        assertTrue(q.kill(LONG).clean());
    }

    @Test
    void afterAKillNewSubmissionsFailAtOnceWithEnodev() {
        RequestQueue q = new RequestQueue("ram0", 4, BlockRequest::complete, reports::add);
        assertTrue(q.kill(LONG).clean());
        DriverModelException e = assertThrows(DriverModelException.class, () -> q.submit(BlockOp.READ, 0, block()));
        assertEquals(Errno.ENODEV, e.errno());
        assertEquals("ENODEV: ram0: disk was removed", e.getMessage());
        assertEquals(QueueState.DEAD, q.state());
        assertEquals(0, q.stats().submitted());
    }

    @Test
    void aKillWaitsForAHandlerCallInProgress() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        RequestQueue q = new RequestQueue("ram0", 4, r -> {
            inside.countDown();
            leave.await();
            r.complete();
        }, reports::add);
        CompletableFuture<CompletableFuture<Void>> submitted = CompletableFuture.supplyAsync(() -> q.submit(BlockOp.READ, 0, block()));
        assertTrue(inside.await(LONG.toSeconds(), TimeUnit.SECONDS));
        AtomicBoolean killed = new AtomicBoolean();
        Thread killer = new Thread(() -> {
            q.kill(LONG);
            killed.set(true);
        });
        killer.start();
        awaitState(q, QueueState.DYING);
        assertFalse(killed.get(), "the kill waits while the handler runs");
        leave.countDown();
        killer.join(LONG.toMillis());
        assertTrue(killed.get());
        submitted.get().get(LONG.toSeconds(), TimeUnit.SECONDS); // completed by the driver, not aborted
        assertEquals(0, q.stats().aborted());
    }

    @Test
    void pastTheDeadlineTheQueueAbortsWhatTheDriverNeverCompletedAndIgnoresItsLateCompletion() {
        BlockingQueue<BlockRequest> held = new LinkedBlockingQueue<>();
        RequestQueue q = new RequestQueue("ram0", 4, held::add, reports::add);
        CompletableFuture<Void> f = q.submit(BlockOp.WRITE, 512, block());
        KillReport r = q.kill(Duration.ofMillis(50));
        assertFalse(r.clean());
        assertEquals(1, r.aborted());
        assertEquals(Errno.EIO, errnoOf(f));
        held.poll().complete(); // the driver wakes up late
        DiskStats s = q.stats();
        assertEquals(1, s.failed());
        assertEquals(1, s.aborted());
        assertEquals(1, s.ignoredCompletions());
        assertBalanced(s);
    }

    @Test
    void pastTheDeadlineAKillNamesTheThreadStillInsideTheHandlerAndItsFrame() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        RequestQueue q = new RequestQueue("ram0", 4, r -> blockInHandler(inside, leave), reports::add);
        Thread stuck = new Thread(() -> q.submit(BlockOp.READ, 0, block()), "stuck-in-handler");
        stuck.start();
        assertTrue(inside.await(LONG.toSeconds(), TimeUnit.SECONDS));
        KillReport r = q.kill(Duration.ofMillis(50));
        assertFalse(r.clean());
        assertEquals(1, r.aborted());
        assertEquals(1, r.inside().size());
        assertTrue(r.inside().get(0).startsWith("\"stuck-in-handler\" inside the handler at "), r.inside().toString());
        assertTrue(r.inside().get(0).contains(RequestQueueTest.class.getName() + ".blockInHandler("), r.inside().toString());
        leave.countDown();
        stuck.join(LONG.toMillis());
        assertEquals(0, q.inFlight(), "its tag is freed when it returns");
        assertBalanced(q.stats());
    }

    private static void blockInHandler(CountDownLatch inside, CountDownLatch leave) throws InterruptedException {
        inside.countDown();
        leave.await();
    }

    @Test
    void aFullQueueHoldsSubmittersBackAndAKillWakesThemWithEnodev() throws Exception {
        BlockingQueue<BlockRequest> held = new LinkedBlockingQueue<>();
        RequestQueue q = new RequestQueue("ram0", 2, held::add, reports::add);
        q.submit(BlockOp.READ, 0, block());
        q.submit(BlockOp.READ, 0, block());
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                outcome.set(q.submit(BlockOp.READ, 0, block()));
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "waiter");
        waiter.start();
        // the queue's own count says the third submitter found every tag taken and waits for one
        // (its thread state would not: WAITING may be class loading or a lock of the logger)
        long end = System.nanoTime() + LONG.toNanos();
        while (q.tagWaits() == 0) {
            assertTrue(System.nanoTime() < end, "the third submitter waits for a tag");
            Thread.sleep(1);
        }
        assertEquals(2, q.stats().submitted(), "the third waits for a slot");
        // the driver completes what it holds once the kill has begun, not before: a completion
        // before the kill would free a tag for the waiter, which would then be accepted
        Thread driver = new Thread(() -> {
            long until = System.nanoTime() + LONG.toNanos();
            while (q.state() == QueueState.LIVE && System.nanoTime() < until) {
                LockSupport.parkNanos(1_000_000L);
            }
            BlockRequest r;
            while ((r = held.poll()) != null) {
                r.complete();
            }
        }, "driver");
        driver.start();
        KillReport report = q.kill(LONG);
        waiter.join(LONG.toMillis());
        driver.join(LONG.toMillis());
        assertFalse(waiter.isAlive());
        assertTrue(outcome.get() instanceof DriverModelException e && e.errno() == Errno.ENODEV,
                "the waiter is refused with ENODEV: " + outcome.get());
        assertTrue(report.clean(), "the held requests were completed by the driver: " + report);
        assertEquals(2, q.stats().submitted());
        assertBalanced(q.stats());
    }

    /**
     * Four submitters, a driver completing on its own thread, and a kill in the middle: every
     * submitted request completes exactly once, and no handler call starts after the kill returned.
     */
    @Test
    void underLoadAKillLosesNothingAndNoHandlerCallFollowsIt() throws Exception {
        BlockingQueue<BlockRequest> work = new LinkedBlockingQueue<>();
        AtomicBoolean killReturned = new AtomicBoolean();
        AtomicInteger lateCalls = new AtomicInteger();
        RequestQueue q = new RequestQueue("ram0", 16, r -> {
            if (killReturned.get()) {
                lateCalls.incrementAndGet();
            }
            work.add(r);
        }, reports::add);
        AtomicBoolean stop = new AtomicBoolean();
        Thread driver = new Thread(() -> {
            while (!stop.get() || !work.isEmpty()) {
                BlockRequest r = work.poll();
                if (r != null) {
                    r.complete();
                }
            }
        });
        driver.start();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refusedAtSubmit = new AtomicLong();
        List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
        List<Thread> submitters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                for (;;) {
                    try {
                        futures.add(q.submit(BlockOp.READ, 0, block()));
                        accepted.incrementAndGet();
                    } catch (DriverModelException e) {
                        assertEquals(Errno.ENODEV, e.errno());
                        refusedAtSubmit.incrementAndGet();
                        return;
                    }
                }
            });
            submitters.add(t);
            t.start();
        }
        while (accepted.get() < 5_000) {
            Thread.onSpinWait();
        }
        q.kill(LONG);
        killReturned.set(true);
        for (Thread t : submitters) {
            t.join(LONG.toMillis());
            assertFalse(t.isAlive());
        }
        stop.set(true);
        driver.join(LONG.toMillis());
        int ok = 0;
        int bad = 0;
        for (CompletableFuture<Void> f : futures) {
            assertTrue(f.isDone(), "every accepted request completed");
            if (f.isCompletedExceptionally()) {
                bad++;
            } else {
                ok++;
            }
        }
        DiskStats s = q.stats();
        assertEquals(accepted.get(), s.submitted());
        assertEquals(s.submitted(), s.succeeded() + s.failed());
        assertEquals(ok, s.succeeded());
        assertEquals(bad, s.failed());
        assertEquals(0, s.inFlight());
        assertEquals(0, lateCalls.get(), "no handler call after the kill returned");
        assertEquals(4, refusedAtSubmit.get());
    }

    private static void awaitState(RequestQueue q, QueueState s) throws InterruptedException {
        long end = System.nanoTime() + LONG.toNanos();
        while (q.state() != s) {
            assertTrue(System.nanoTime() < end);
            Thread.sleep(1);
        }
    }
}
