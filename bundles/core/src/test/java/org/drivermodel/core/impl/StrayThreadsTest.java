package org.drivermodel.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.drivermodel.lifetime.primitives.OwnerFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scan for threads still running a stopped bundle's code, and the remove watchdog. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StrayThreadsTest {
    private static final long DEADLINE_SECONDS = 30;
    /** No frame is the bundle's. */
    private static final OwnerFrames NONE = OwnerFrames.ofEntries(entry -> false);

    /** The frames of one class are the bundle's, as a bundle holding only its class file says. */
    private static OwnerFrames only(Class<?> c) {
        return OwnerFrames.ofEntries(entry -> entry.equals(c.getName().replace('.', '/') + ".class"));
    }

    /** Stands for a class of the stopped bundle: its thread waits inside it. */
    static final class BundleCode implements Runnable {
        private final CountDownLatch inside;
        private final CountDownLatch release;

        BundleCode(CountDownLatch inside, CountDownLatch release) {
            this.inside = inside;
            this.release = release;
        }

        @Override
        public void run() {
            try {
                park();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void park() throws InterruptedException {
            inside.countDown();
            release.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void anIdleExecutorWorkerCarryingTheBundlesLoaderIsFoundWithoutAFrame() throws Exception {
        ClassLoader bundleLoader = new ClassLoader(null) { }; // stands for the stopped bundle's loader
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        java.util.concurrent.ExecutorService pool;
        Thread.currentThread().setContextClassLoader(bundleLoader); // as the core sets it around probe
        try {
            pool = java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "driver-pool"));
            pool.submit(() -> { }).get(DEADLINE_SECONDS, TimeUnit.SECONDS); // its worker is made here, then idles
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
        try {
            List<StrayThreads.Stray> found = StrayThreads.scan(Thread.getAllStackTraces(), NONE,
                    t -> t.getContextClassLoader() == bundleLoader, Thread.currentThread());
            assertEquals(1, found.size(), found.toString());
            assertEquals("driver-pool", found.get(0).name());
            assertEquals(null, found.get(0).frame());
            assertTrue(found.get(0).describe().contains("no frame of bundle code (idle: its context class loader"),
                    found.get(0).describe());
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void aThreadInsideTheBundlesCodeIsFoundWithItsFrameAndOthersAreNot() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stray = new Thread(new BundleCode(inside, release), "stray-worker");
        stray.start();
        try {
            assertTrue(inside.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
            List<StrayThreads.Stray> found = StrayThreads.scan(Thread.getAllStackTraces(), only(BundleCode.class),
                    Thread.currentThread());
            assertEquals(1, found.size(), found.toString());
            StrayThreads.Stray s = found.get(0);
            assertEquals("stray-worker", s.name());
            assertEquals(BundleCode.class.getName(), s.frame().getClassName());
            assertEquals("park", s.frame().getMethodName());
            assertTrue(s.describe().startsWith("\"stray-worker\" (id " + stray.getId() + ", "), s.describe());
            assertTrue(s.describe().contains("in bundle code at ") && s.describe().contains(BundleCode.class.getName() + ".park("),
                    s.describe());

            assertEquals(List.of(), StrayThreads.scan(Thread.getAllStackTraces(), NONE, null));
            assertEquals(List.of(), StrayThreads.scan(Thread.getAllStackTraces(), only(StrayThreadsTest.class),
                    Thread.currentThread()), "the scanning thread itself is left out");
        } finally {
            release.countDown();
            stray.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        }
        assertEquals(List.of(), StrayThreads.scan(Thread.getAllStackTraces(), only(BundleCode.class),
                Thread.currentThread()), "gone once it returned");
    }

    @Test
    void theWatchdogReportsACallbackPastItsDeadlineOnceAndNotOneThatReturnedInTime() throws Exception {
        CallWatchdog dog = new CallWatchdog();
        try {
            CountDownLatch reported = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicReference<CallWatchdog.Overdue> overdue = new java.util.concurrent.atomic.AtomicReference<>();
            ReportedWatch w = ReportedWatch.start(dog, Duration.ofMillis(20), o -> {
                overdue.set(o);
                reported.countDown();
            });
            assertTrue(reported.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
            w.close();
            assertTrue(w.fired());
            assertEquals(Thread.currentThread(), overdue.get().thread());
            assertTrue(overdue.get().stack().stream().anyMatch(f -> f.getClassName().equals(StrayThreadsTest.class.getName())),
                    overdue.get().stack().toString());

            ReportedWatch quick = ReportedWatch.start(dog, Duration.ofDays(1), o -> {
                throw new AssertionError("reported a callback that returned");
            });
            quick.close();
            assertTrue(!quick.fired());
        } finally {
            dog.shutdown();
        }
    }
}
