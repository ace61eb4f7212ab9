package org.drivermodel.lifetime.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testing.Bounded;
import org.drivermodel.testing.Bounded.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RefCountedTest {

    private final AtomicInteger releases = new AtomicInteger();
    private final RefCounted node = new RefCounted("/devices/vbus0/eth0", RefTracking.STACKS, releases::incrementAndGet);

    @Test
    void releaseRunsWhenTheLastReferenceIsPut() {
        Ref a = node.get("block0");
        Ref b = node.get("shell");
        assertEquals(2, node.count());
        a.put();
        assertEquals(0, releases.get());
        b.put();
        assertEquals(1, releases.get());
        assertEquals(RefState.RELEASED, node.state());
        DriverModelException x = assertThrows(DriverModelException.class, () -> node.get("late"));
        assertEquals(Errno.ENODEV, x.errno());
        assertEquals("ENODEV: /devices/vbus0/eth0: was released", x.getMessage());
    }

    @Test
    void releaseRunsExactlyOnceUnderConcurrentPuts() throws Exception {
        int threads = 8;
        for (int round = 0; round < 100; round++) {
            AtomicInteger released = new AtomicInteger();
            RefCounted obj = new RefCounted("obj" + round, RefTracking.OFF, released::incrementAndGet);
            List<Ref> refs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                refs.add(obj.get("h" + i));
            }
            CyclicBarrier go = new CyclicBarrier(threads);
            List<Worker<Void>> putters = new ArrayList<>();
            for (Ref r : refs) {
                putters.add(Worker.start("put-" + r.holder(), () -> {
                    go.await(Bounded.SECONDS, TimeUnit.SECONDS);
                    r.put();
                }));
            }
            for (Worker<Void> t : putters) {
                t.finish();
            }
            assertEquals(1, released.get(), "round " + round);
            assertEquals(RefState.RELEASED, obj.state());
        }
    }

    @Test
    void releaseRunsExactlyOnceWhenGetsRaceWithTheLastPut() throws Exception {
        for (int round = 0; round < 200; round++) {
            AtomicInteger released = new AtomicInteger();
            RefCounted obj = new RefCounted("obj" + round, RefTracking.OFF, released::incrementAndGet);
            Ref first = obj.get("first");
            CyclicBarrier go = new CyclicBarrier(2);
            AtomicReference<Ref> second = new AtomicReference<>();
            Worker<Void> getter = Worker.start("getter", () -> {
                go.await(Bounded.SECONDS, TimeUnit.SECONDS);
                try {
                    second.set(obj.get("second"));
                } catch (DriverModelException e) {
                    assertEquals(Errno.ENODEV, e.errno()); // lost the race: already released
                }
            });
            go.await(Bounded.SECONDS, TimeUnit.SECONDS);
            first.put();
            getter.finish();
            if (second.get() != null) {
                second.get().put();
            }
            assertEquals(1, released.get(), "round " + round);
        }
    }

    @Test
    void aDoublePutReportsBothStacksAndLeavesTheCountAlone() {
        Ref r = node.get("block0");
        Ref other = node.get("shell");
        putFirst(r);
        assertEquals(1, node.count());

        DriverModelException x = assertThrows(DriverModelException.class, () -> putAgain(r));
        assertEquals(Errno.EINVAL, x.errno());
        assertTrue(x.getMessage().contains("double put of the reference held by \"block0\""), x.getMessage());
        assertEquals(1, node.count(), "a double put must not change the count");
        assertEquals(0, releases.get());
        assertTrue(hasFrame(x, "putAgain"), "the second attempt's stack");
        assertNotNull(x.getCause(), "the first put's stack");
        assertTrue(hasFrame(x.getCause(), "putFirst"));
        assertFalse(hasFrame(x.getCause(), "putAgain"));
        assertEquals(1, x.getSuppressed().length, "where it was taken");
        assertTrue(hasFrame(x.getSuppressed()[0], "aDoublePutReportsBothStacksAndLeavesTheCountAlone"));

        other.put();
        assertEquals(1, releases.get());
    }

    @Test
    void aDoublePutWithoutTrackingStillRefusesAndSaysWhyNoStack() {
        RefCounted plain = new RefCounted("plain", RefTracking.OFF, releases::incrementAndGet);
        Ref r = plain.get("h");
        Ref keep = plain.get("keep");
        r.put();
        DriverModelException x = assertThrows(DriverModelException.class, r::put);
        assertEquals(Errno.EINVAL, x.errno());
        assertTrue(x.getMessage().contains("tracking off"), x.getMessage());
        assertNull(x.getCause());
        assertEquals(1, plain.count());
        keep.put();
        assertEquals(1, releases.get());
    }

    @Test
    void racingPutsOfOneReferenceCountOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            AtomicInteger released = new AtomicInteger();
            RefCounted obj = new RefCounted("obj", RefTracking.OFF, released::incrementAndGet);
            Ref keep = obj.get("keep");
            Ref r = obj.get("twice");
            CyclicBarrier go = new CyclicBarrier(2);
            AtomicInteger refused = new AtomicInteger();
            Bounded.Body put = () -> {
                go.await(Bounded.SECONDS, TimeUnit.SECONDS);
                try {
                    r.put();
                } catch (DriverModelException e) {
                    assertEquals(Errno.EINVAL, e.errno());
                    refused.incrementAndGet();
                }
            };
            Worker<Void> a = Worker.start("a", put);
            Worker<Void> b = Worker.start("b", put);
            a.finish();
            b.finish();
            assertEquals(1, refused.get());
            assertEquals(1, obj.count());
            assertEquals(0, released.get());
            keep.put();
            assertEquals(1, released.get());
        }
    }

    @Test
    void aRevokedObjectGivesEnodevThroughEveryReference() {
        Ref r = node.get("sysfs-reader");
        r.check();
        node.revoke();
        assertEquals(RefState.REVOKED, node.state());

        DriverModelException x = assertThrows(DriverModelException.class, r::check);
        assertEquals(Errno.ENODEV, x.errno());
        assertEquals("ENODEV: /devices/vbus0/eth0: was removed", x.getMessage());
        assertEquals(Errno.ENODEV, assertThrows(DriverModelException.class, () -> node.get("new")).errno());
        assertEquals(1, node.count(), "held references still count");

        r.put();
        assertEquals(1, releases.get());
        assertEquals(Errno.EINVAL, assertThrows(DriverModelException.class, r::check).errno(), "use after put");
    }

    @Test
    void theLeakReportGroupsSurvivingReferencesByHolder() {
        Ref a1 = node.get("block0");
        Ref a2 = node.get("block0");
        Ref b = takeForShell();
        Ref gone = node.get("transient");
        gone.put();

        LeakReport leaks = node.verifyNoneHeld();
        assertFalse(leaks.isEmpty());
        assertEquals(3, leaks.count());
        assertEquals(2, leaks.holders().size());
        assertEquals("block0", leaks.holders().get(0).holder(), "the biggest holder first");
        assertEquals(2, leaks.countOf("block0"));
        assertEquals(1, leaks.countOf("shell"));
        assertEquals(0, leaks.countOf("transient"));
        assertEquals(2, leaks.holders().get(0).takenAt().size());
        assertTrue(hasFrame(leaks.holders().get(1).takenAt().get(0), "takeForShell"));
        assertEquals("\"block0\" x2, \"shell\" x1", leaks.summary());
        String log = leaks.toString();
        assertTrue(log.startsWith("/devices/vbus0/eth0: 3 references held"), log);
        assertTrue(log.contains("\"shell\" holds 1"), log);
        assertTrue(log.contains("takeForShell"), log);

        a1.put();
        a2.put();
        b.put();
        assertTrue(node.verifyNoneHeld().isEmpty());
        assertEquals(1, releases.get());
    }

    @Test
    void moreReferencesThanSlotsAreAllReportedReclaimedAndPutOnce() {
        RefCounted obj = new RefCounted("many", RefTracking.OFF, releases::incrementAndGet);
        List<Ref> refs = new ArrayList<>();
        for (int i = 0; i < 11; i++) { // past the slots, into the overflow set
            refs.add(obj.get("h" + (i % 3)));
        }
        assertEquals(11, listed(obj.verifyNoneHeld()));
        assertEquals(4, obj.verifyNoneHeld().countOf("h0"));
        for (int i = 0; i < 11; i += 2) {
            refs.get(i).put();
        }
        LeakReport left = obj.verifyNoneHeld();
        assertEquals(5, left.count());
        assertEquals(5, listed(left));
        Ref again = obj.get("late"); // reuses a freed slot
        assertEquals(6, listed(obj.verifyNoneHeld()));
        LeakReport reclaimed = obj.reclaim();
        assertEquals(6, listed(reclaimed));
        assertEquals(1, releases.get());
        assertTrue(obj.verifyNoneHeld().isEmpty());
        again.put(); // accepted silently after reclaim
        refs.get(1).put();
        assertEquals(1, releases.get());
    }

    @Test
    void concurrentHoldersInAndBeyondTheSlotsAreCountedAndListedExactly() throws Exception {
        int threads = 6;
        int perThread = 3; // 18 live references at the barrier: slots and overflow both in use
        for (int round = 0; round < 50; round++) {
            AtomicInteger released = new AtomicInteger();
            RefCounted obj = new RefCounted("obj" + round, RefTracking.OFF, released::incrementAndGet);
            Ref core = obj.get("core");
            CyclicBarrier held = new CyclicBarrier(threads + 1);
            CyclicBarrier checked = new CyclicBarrier(threads + 1);
            List<Worker<Void>> holders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String name = "t" + t;
                holders.add(Worker.start(name, () -> {
                    for (int churn = 0; churn < 200; churn++) { // take and put while others do
                        obj.get(name).put();
                    }
                    List<Ref> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(obj.get(name));
                    }
                    held.await(Bounded.SECONDS, TimeUnit.SECONDS);
                    checked.await(Bounded.SECONDS, TimeUnit.SECONDS);
                    for (Ref r : mine) {
                        r.put();
                    }
                }));
            }
            held.await(Bounded.SECONDS, TimeUnit.SECONDS);
            LeakReport all = obj.verifyNoneHeld();
            assertEquals(1 + threads * perThread, obj.count(), "round " + round);
            assertEquals(1 + threads * perThread, listed(all), "round " + round + ": " + all.summary());
            for (int t = 0; t < threads; t++) {
                assertEquals(perThread, all.countOf("t" + t), "round " + round);
            }
            checked.await(Bounded.SECONDS, TimeUnit.SECONDS);
            for (Worker<Void> t : holders) {
                t.finish();
            }
            assertEquals(1, listed(obj.verifyNoneHeld()), "round " + round);
            assertEquals(0, released.get());
            core.put();
            assertEquals(1, released.get(), "round " + round);
        }
    }

    @Test
    void theCreatorsInitialReferenceIsCountedNotListedAndReleasesWhenPutLast() {
        AtomicInteger released = new AtomicInteger();
        RefCounted obj = RefCounted.init(() -> "/devices/vbus0/usb1", RefTracking.STACKS, released::incrementAndGet);
        assertEquals(1, obj.count());
        LeakReport held = obj.verifyNoneHeld();
        assertEquals(1, held.count());
        assertEquals(0, listed(held), "the creator's reference has no holder record");

        Ref shell = obj.get("shell");
        obj.revoke();
        LeakReport reclaimed = obj.reclaim(); // the shell's, not the creator's
        assertEquals(1, reclaimed.count());
        assertEquals(1, reclaimed.countOf("shell"));
        assertEquals(1, obj.count());
        assertEquals(0, released.get());
        shell.put(); // accepted silently after reclaim

        obj.putInitial();
        assertEquals(1, released.get());
        assertEquals(RefState.RELEASED, obj.state());
    }

    @Test
    void theInitialReferenceIsPutOnceAndOnlyOnAnInitMadeObject() {
        RefCounted obj = RefCounted.init(() -> "/devices/vbus0/usb2", RefTracking.OFF, releases::incrementAndGet);
        Ref other = obj.get("other");
        obj.putInitial();
        IllegalStateException again = assertThrows(IllegalStateException.class, obj::putInitial);
        assertTrue(again.getMessage().startsWith("/devices/vbus0/usb2: "), again.getMessage());
        assertEquals(1, obj.count(), "a second put changes nothing");
        other.put();
        assertEquals(1, releases.get());

        assertThrows(IllegalStateException.class, node::putInitial, "not made by init");
        assertEquals(0, node.count());
        assertEquals(RefState.LIVE, node.state(), "nothing released");
    }

    @Test
    void theInitialPutRacingWithHoldersReleasesExactlyOnceAfterAll() throws Exception {
        int threads = 4;
        for (int round = 0; round < 100; round++) {
            AtomicInteger released = new AtomicInteger();
            RefCounted obj = RefCounted.init(() -> "obj", RefTracking.OFF, released::incrementAndGet);
            CyclicBarrier go = new CyclicBarrier(threads + 1);
            List<Worker<Void>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String name = "t" + t;
                workers.add(Worker.start(name, () -> {
                    go.await(Bounded.SECONDS, TimeUnit.SECONDS);
                    for (int i = 0; i < 50; i++) {
                        try {
                            obj.get(name).put();
                        } catch (DriverModelException gone) { // ENODEV once the last put released it
                            assertEquals(Errno.ENODEV, gone.errno());
                            return;
                        }
                    }
                }));
            }
            workers.add(Worker.start("creator", () -> {
                go.await(Bounded.SECONDS, TimeUnit.SECONDS);
                obj.putInitial();
            }));
            for (Worker<Void> w : workers) {
                w.finish();
            }
            assertEquals(1, released.get(), "round " + round);
            assertEquals(RefState.RELEASED, obj.state(), "round " + round);
        }
    }

    /** @return the references a report lists (its count is the object's count, these are the records) */
    private static int listed(LeakReport report) {
        return report.holders().stream().mapToInt(LeakReport.HolderLeak::count).sum();
    }

    private Ref takeForShell() {
        return node.get("shell");
    }

    @Test
    void withoutTrackingTheLeakReportStillNamesHolders() {
        RefCounted plain = new RefCounted("plain", RefTracking.OFF, () -> { });
        plain.get("bundle 42 (org.example.driver)");
        LeakReport leaks = plain.verifyNoneHeld();
        assertEquals(1, leaks.countOf("bundle 42 (org.example.driver)"));
        assertTrue(leaks.holders().get(0).takenAt().isEmpty());
        assertTrue(leaks.toString().contains("stacks not recorded"), leaks::toString);
    }

    @Test
    void theGlobalSwitchDecidesForObjectsWithoutASetting() {
        RefTracking before = RefTracking.global();
        try {
            RefCounted follows = new RefCounted("follows", () -> { });
            RefTracking.setGlobal(RefTracking.OFF);
            assertTrue(follows.get("a").takenAt().isEmpty());
            RefTracking.setGlobal(RefTracking.STACKS);
            assertTrue(follows.get("b").takenAt().isPresent());
        } finally {
            RefTracking.setGlobal(before);
        }
    }

    @Test
    void awaitReleaseEscalatesAndReturnsAtTheDeadlineNamingTheHolders() {
        node.get("block0");
        node.get("block0");
        node.get("shell");
        node.revoke();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger announces = new AtomicInteger();
        Duration deadline = Duration.ofMillis(1000);

        long start = System.nanoTime();
        LeakReport leaks = node.awaitRelease(deadline, Duration.ofMillis(50), log::add, announces::incrementAndGet);
        long waited = System.nanoTime() - start;

        assertTrue(waited >= deadline.toNanos(), "returned before the deadline");
        assertTrue(waited < TimeUnit.SECONDS.toNanos(Bounded.SECONDS), "never waits much past the deadline");
        assertEquals(3, leaks.count());
        assertEquals(2, leaks.countOf("block0"));
        assertEquals(1, leaks.countOf("shell"));
        // re-announced at 12.5, 25, 50, 100, 200, 400 and 800 ms; warned from 50 ms on
        assertTrue(announces.get() >= 3, "re-announced " + announces.get() + " times");
        List<String> warnings = log.stream().filter(l -> l.startsWith("waiting for")).toList();
        assertTrue(warnings.size() >= 2, log::toString);
        assertEquals("waiting for /devices/vbus0/eth0 to become free, usage count 3; held by \"block0\" x2, \"shell\" x1",
                warnings.get(0));
        String last = log.get(log.size() - 1);
        assertTrue(last.startsWith("gave up waiting for /devices/vbus0/eth0"), last);
        assertTrue(last.contains("\"block0\" x2"), last);
        assertEquals(0, releases.get());
    }

    @Test
    void awaitReleaseReturnsAsSoonAsTheHoldersLetGoWhenReAnnounced() {
        Ref held = node.get("netfilter");
        CountDownLatch announced = new CountDownLatch(1);
        Worker<Void> holder = Worker.start("holder", () -> {
            Bounded.await(announced); // lets go only when told again, as a notifier would
            held.put();
        });
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        // re-announced at 2 s, warned at 8 s: the holder has 6 s to let go before a warning would
        // be right, so a loaded machine's late wake-up of either thread is not taken for a fault
        LeakReport leaks = node.awaitRelease(Duration.ofSeconds(30), Duration.ofSeconds(8), log::add, announced::countDown);
        long waited = System.nanoTime() - start;
        holder.finish();

        assertTrue(leaks.isEmpty(), leaks::toString);
        assertEquals(1, releases.get());
        assertTrue(log.isEmpty(), log::toString);
        assertTrue(waited < TimeUnit.SECONDS.toNanos(Bounded.SECONDS), "woken by the last put");
    }

    @Test
    void awaitReleaseWithNothingHeldReturnsAtOnce() {
        LeakReport leaks = node.awaitRelease(Duration.ofSeconds(30), Duration.ofSeconds(1),
                l -> { throw new AssertionError(l); }, () -> { throw new AssertionError("re-announced"); });
        assertTrue(leaks.isEmpty());
        assertEquals("/devices/vbus0/eth0: no references held", leaks.toString());
    }

    @Test
    void reclaimDropsLeakedReferencesSoReleaseRunsOnceAndHoldersGetEnodev() {
        Ref a = node.get("leaky-bundle");
        Ref b = node.get("leaky-bundle");
        LeakReport reclaimed = node.reclaim();
        assertEquals(2, reclaimed.countOf("leaky-bundle"));
        assertEquals(RefState.RELEASED, node.state());
        assertEquals(1, releases.get());
        assertEquals(Errno.ENODEV, assertThrows(DriverModelException.class, a::check).errno());
        assertFalse(a.isHeld());
        a.put(); // the holder's late put is accepted silently
        b.put();
        assertEquals(1, releases.get());
        assertEquals(0, node.count());
        assertSame(node, a.target());
    }

    private static void putFirst(Ref r) {
        r.put();
    }

    private static void putAgain(Ref r) {
        r.put();
    }

    private static boolean hasFrame(Throwable t, String method) {
        return Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals(method));
    }
}
