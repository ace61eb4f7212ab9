package org.drivermodel.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hung-callback detector: a callback past its deadline is reported once, with its thread
 * and stack; one that returned in time never is, whenever the scan runs; the scanner stops when
 * nothing is watched and starts again for the next callback. Real threads and latches; every
 * wait is bounded.
 */
@Timeout(30)
class CallWatchdogTest {
    private static final long BOUND_S = 10;

    private final CallWatchdog watchdog = new CallWatchdog();

    @AfterEach
    void stop() {
        watchdog.shutdown();
    }

    /** A thread that opens a watch and blocks in a recognisable frame until released. */
    private static final class Stuck extends Thread {
        final CountDownLatch watching = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CallWatchdog dog;
        final Duration deadline;
        final BlockingQueue<CallWatchdog.Overdue> reports;
        volatile ReportedWatch watch;

        Stuck(CallWatchdog dog, Duration deadline, BlockingQueue<CallWatchdog.Overdue> reports) {
            super("stuck-callback");
            this.dog = dog;
            this.deadline = deadline;
            this.reports = reports;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (ReportedWatch w = ReportedWatch.start(dog, deadline, reports::add)) {
                watch = w;
                watching.countDown();
                blockedInDriver();
            }
        }

        private void blockedInDriver() {
            try {
                release.await(BOUND_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aCallbackPastItsDeadlineIsReportedOnceWithItsThreadAndStack() throws Exception {
        BlockingQueue<CallWatchdog.Overdue> reports = new LinkedBlockingQueue<>();
        Stuck stuck = new Stuck(watchdog, Duration.ofMillis(100), reports);
        long start = System.nanoTime();
        stuck.start();
        assertTrue(stuck.watching.await(BOUND_S, TimeUnit.SECONDS));

        CallWatchdog.Overdue o = reports.poll(BOUND_S, TimeUnit.SECONDS);
        assertTrue(o != null, "no report within " + BOUND_S + " s");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100), "reported before its deadline");
        assertSame(stuck, o.thread());
        assertEquals(Duration.ofMillis(100), o.waited());
        assertTrue(o.stack().stream().anyMatch(f -> f.getMethodName().equals("blockedInDriver")), o.stack().toString());

        // still stuck across later scans: a second callback, reported after them, proves the
        // scans ran, and the first was not reported again
        Stuck later = new Stuck(watchdog, Duration.ofMillis(50), reports);
        later.start();
        CallWatchdog.Overdue second = reports.poll(BOUND_S, TimeUnit.SECONDS);
        assertTrue(second != null && second.thread() == later, "the second callback was not reported");
        stuck.release.countDown();
        later.release.countDown();
        stuck.join(TimeUnit.SECONDS.toMillis(BOUND_S));
        later.join(TimeUnit.SECONDS.toMillis(BOUND_S));
        assertTrue(stuck.watch.fired());
        assertEquals(List.of(), List.copyOf(reports));
        assertEquals(0, watchdog.running());
    }

    @Test
    void aCallbackThatReturnedInTimeIsNeverReported() throws Exception {
        AtomicInteger early = new AtomicInteger();
        ReportedWatch w = ReportedWatch.start(watchdog, Duration.ofMillis(20), o -> early.incrementAndGet());
        w.close();
        assertFalse(w.fired());
        assertEquals(0, watchdog.running());

        // a later callback due after the first's deadline: the scan that reports it ran after
        // that deadline, and would have reported the first had it still been watched
        BlockingQueue<CallWatchdog.Overdue> reports = new LinkedBlockingQueue<>();
        Stuck stuck = new Stuck(watchdog, Duration.ofMillis(60), reports);
        stuck.start();
        assertTrue(reports.poll(BOUND_S, TimeUnit.SECONDS) != null, "the stuck callback was not reported");
        stuck.release.countDown();
        stuck.join(TimeUnit.SECONDS.toMillis(BOUND_S));
        assertEquals(0, early.get(), "a callback that returned in time was reported");
        assertFalse(w.fired());
    }

    @Test
    void theScannerStopsWhenNothingIsWatchedAndStartsAgainForTheNextCallback() throws Exception {
        for (int round = 0; round < 3; round++) {
            BlockingQueue<CallWatchdog.Overdue> reports = new LinkedBlockingQueue<>();
            Stuck stuck = new Stuck(watchdog, Duration.ofMillis(30), reports);
            stuck.start();
            assertTrue(reports.poll(BOUND_S, TimeUnit.SECONDS) != null, "round " + round + ": not reported");
            stuck.release.countDown();
            stuck.join(TimeUnit.SECONDS.toMillis(BOUND_S));
            assertEquals(0, watchdog.running());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_S);
            while (watchdog.scanning() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                Thread.yield();
            }
            assertFalse(watchdog.scanning(), "round " + round + ": the scanner kept running with nothing watched");
        }
    }

    @Test
    void manyShortCallbacksFromSeveralThreadsLeaveNothingWatched() throws Exception {
        AtomicInteger reported = new AtomicInteger();
        int threads = 4;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    try (ReportedWatch w = ReportedWatch.start(watchdog, Duration.ofSeconds(BOUND_S * 3), o -> reported.incrementAndGet())) {
                        assertFalse(w.fired());
                    }
                }
                done.countDown();
            });
            th.setDaemon(true);
            th.start();
        }
        assertTrue(done.await(BOUND_S * 2, TimeUnit.SECONDS));
        assertEquals(0, watchdog.running());
        assertEquals(0, reported.get());
    }

    @Test
    void theScannerThreadCarriesNoLoaderOfTheCallThatStartedIt() throws Exception {
        ClassLoader driverLoader = new java.net.URLClassLoader(new java.net.URL[0], null);
        BlockingQueue<CallWatchdog.Overdue> reports = new LinkedBlockingQueue<>();
        Stuck stuck = new Stuck(watchdog, Duration.ofMillis(20), reports);
        stuck.setContextClassLoader(driverLoader); // a child probed from its parent's probe
        stuck.start();
        assertTrue(reports.poll(BOUND_S, TimeUnit.SECONDS) != null, "not reported");
        stuck.release.countDown();
        stuck.join(TimeUnit.SECONDS.toMillis(BOUND_S));
        List<Thread> scanners = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("drivermodel-watchdog")).toList();
        assertTrue(!scanners.isEmpty(), "no scanner thread");
        for (Thread t : scanners) {
            assertTrue(t.getContextClassLoader() != driverLoader, "the scanner keeps the loader of the call that made it");
        }
    }
}
