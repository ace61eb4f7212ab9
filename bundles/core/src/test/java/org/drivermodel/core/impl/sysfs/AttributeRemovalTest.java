package org.drivermodel.core.impl.sysfs;

import static org.drivermodel.core.impl.sysfs.Knob.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.primitives.DrainReport;
import org.drivermodel.testing.Bounded;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Removal against holders and callbacks in flight, with real threads: orphaned handles, drain
 * with deadline, release exactly once, self-removal, no pinning of the owner.
 */
@Timeout(30)
class AttributeRemovalTest {

    private static final String DIR = "/devices/vbus0/x";
    private static final Duration LONG = Duration.ofSeconds(Bounded.SECONDS);

    private final AttributeTree tree = new AttributeTree(LONG);

    @BeforeEach
    void skeleton() {
        for (String d : List.of("/devices", "/devices/vbus0", "/bus", "/bus/vbus", "/bus/vbus/devices")) {
            tree.createDirectory(d);
        }
        tree.activate("/devices");
        tree.activate("/bus");
    }

    private <O> void addDevice(String dir, O owner, List<AttributeGroup<O>> groups) {
        tree.createDirectory(dir);
        tree.addGroups(dir, owner, groups);
        tree.createLink("/bus/vbus/devices/" + dir.substring(dir.lastIndexOf('/') + 1), dir);
        tree.activate(dir);
    }

    /** A show that announces it is running and then waits for permission to return. */
    private static final class Gate {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch proceed = new CountDownLatch(1);
        final AtomicInteger finished = new AtomicInteger();

        Attribute<Knob> slow() {
            return Attribute.<Knob>ro("slow", k -> {
                entered.countDown();
                Bounded.await(proceed);
                finished.incrementAndGet();
                return "slow\n";
            });
        }
    }

    @Test
    void aHandleOpenedBeforeRemovalGivesEnodevAndANewOpenGivesEnoentAsOnLinux() {
        Knob k = new Knob("k", 5);
        addDevice(DIR, k, List.of(Knob.files()));
        AttributeFile value = tree.open(DIR + "/value");
        AttributeFile viaLink = tree.open("/bus/vbus/devices/x/name");
        assertEquals("5\n", value.read());
        int calls = k.shows.get() + k.stores.get();

        assertTrue(tree.remove(DIR).drained());

        // Linux sysfs (docs/design.md §7.7): read of a file opened before the deletion: ENODEV ...
        DriverModelException e = fails(Errno.ENODEV, () -> value.read());
        assertEquals("ENODEV: /devices/vbus0/x/value: was removed", e.getMessage());
        fails(Errno.ENODEV, () -> value.write("6"));
        fails(Errno.ENODEV, () -> viaLink.read());
        // ... and opening it after the deletion: ENOENT
        fails(Errno.ENOENT, () -> tree.open(DIR + "/value"));
        fails(Errno.ENOENT, () -> tree.open("/bus/vbus/devices/x/name"));
        assertEquals(calls, k.shows.get() + k.stores.get(), "no owner code ran after removal");
        assertEquals(5, k.value);
        value.close();
        viaLink.close();
        assertEquals(1, k.releases.get(), "released once, at drain; the close after does not release again");
    }

    @Test
    void releaseRunsExactlyOnceAtClose() {
        Knob k = new Knob("k", 5);
        addDevice(DIR, k, List.of(Knob.files()));
        AttributeFile a = tree.open(DIR + "/value");
        AttributeFile b = tree.open(DIR + "/value");
        a.close();
        assertEquals(1, k.releases.get());
        a.close();
        assertEquals(1, k.releases.get());
        assertEquals("5\n", b.read(), "other handles are unaffected");
        tree.remove(DIR);
        assertEquals(2, k.releases.get(), "b released at drain, a not again");
    }

    @Test
    void releaseRunsExactlyOnceAtDrainAndPassesTheHandle() {
        Map<AttributeFile, Integer> released = new ConcurrentHashMap<>();
        Attribute<Knob> file = Attribute.<Knob>ro("f", x -> "f\n").onRelease((x, h) -> released.merge(h, 1, Integer::sum));
        addDevice(DIR, new Knob("k", 0), List.of(AttributeGroup.of(file)));
        List<AttributeFile> handles = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            handles.add(tree.open(DIR + "/f"));
        }
        tree.remove(DIR);
        assertEquals(5, released.size(), "every open handle was released by the removal");
        for (AttributeFile h : handles) {
            assertEquals(1, released.get(h));
            assertTrue(((OpenFile) h).released());
            h.close();
            assertEquals(1, released.get(h), "close after the drain does not release again");
        }
    }

    @Test
    void releaseRunsExactlyOnceWhenCloseAndRemovalRace() {
        int rounds = 300;
        for (int i = 0; i < rounds; i++) {
            String dir = "/devices/vbus0/r" + i;
            Knob k = new Knob("k", i);
            addDevice(dir, k, List.of(AttributeGroup.of(Knob.value())));
            AttributeFile h = tree.open(dir + "/value");
            CyclicBarrier start = new CyclicBarrier(2);
            Bounded.Worker<Void> closer = Bounded.Worker.start("closer-" + i, () -> {
                Bounded.await(start);
                h.close();
                return null;
            });
            Bounded.Worker<Integer> remover = Bounded.Worker.start("remover-" + i, () -> {
                Bounded.await(start);
                assertTrue(tree.remove(dir).drained());
                return k.releases.get(); // the release is done by the time the removal returns
            });
            assertEquals(1, remover.finish(), "round " + i + ": release done when removal returned");
            closer.finish();
            assertEquals(1, k.releases.get(), "round " + i + ": released exactly once");
        }
    }

    @Test
    void removalWaitsForAShowInFlightAndReturnsRightAfterIt() {
        Gate gate = new Gate();
        Knob k = new Knob("k", 1);
        addDevice(DIR, k, List.of(AttributeGroup.of(gate.slow(), Knob.value())));
        AttributeFile slow = tree.open(DIR + "/slow");
        AttributeFile other = tree.open(DIR + "/value");
        Bounded.Worker<String> reader = Bounded.Worker.start("reader", () -> slow.read());
        Bounded.await(gate.entered);

        AtomicInteger finishedWhenRemoved = new AtomicInteger(-1);
        Bounded.Worker<RemovalReport> remover = Bounded.Worker.start("remover", () -> {
            RemovalReport r = tree.remove(DIR, LONG);
            finishedWhenRemoved.set(gate.finished.get());
            return r;
        });
        // the removal has begun: the subtree is gone for lookups and every door is shut ...
        Bounded.until(() -> {
            try {
                other.read();
                return false;
            } catch (DriverModelException e) {
                return e.errno() == Errno.ENODEV;
            }
        }, "the removal shut the files");
        fails(Errno.ENOENT, () -> tree.open(DIR + "/value"));
        // ... but it cannot have returned: the show is still inside
        assertTrue(remover.isAlive(), "removal returned while a show was in flight");
        assertEquals(0, gate.finished.get());

        gate.proceed.countDown();
        assertEquals("slow\n", reader.finish(), "the read in flight completes normally");
        RemovalReport r = remover.finish();
        assertTrue(r.drained(), r.toString());
        assertTrue(r.took().compareTo(LONG) < 0, "returned right after the show, not at the deadline: " + r);
        assertEquals(1, finishedWhenRemoved.get(), "the show had finished when the removal returned");
        fails(Errno.ENODEV, () -> slow.read());
    }

    @Test
    void removalPastItsDeadlineReturnsAReportNamingTheThreadInTheCallback() {
        Gate gate = new Gate();
        addDevice(DIR, new Knob("k", 1), List.of(AttributeGroup.of(gate.slow())));
        AttributeFile slow = tree.open(DIR + "/slow");
        Bounded.Worker<String> reader = Bounded.Worker.start("stuck-reader", () -> slow.read());
        try {
            Bounded.await(gate.entered);
            RemovalReport r = tree.remove(DIR, Duration.ofMillis(100));

            assertFalse(r.drained());
            assertTrue(r.removedByThisCall());
            assertEquals(1, r.undrained().size(), r.toString());
            DrainReport d = r.undrained().get(0);
            assertEquals(DIR + "/slow", d.gate());
            assertEquals(1, d.occupants().size());
            assertSame(reader, d.occupants().get(0).thread());
            assertTrue(d.occupants().get(0).ownerFrame().isPresent(),
                    "the frame of the owner's code is found through the callbacks' class loader: " + r);
            assertTrue(r.toString().contains("\"stuck-reader\""), r.toString());
            // the removal went on regardless: gone for lookups, no new entries
            fails(Errno.ENOENT, () -> tree.open(DIR + "/slow"));
            fails(Errno.ENODEV, () -> slow.read());
        } finally {
            gate.proceed.countDown();
        }
        assertEquals("slow\n", reader.finish());
    }

    @Test
    void aStoreRemovesItsOwnDeviceThroughRemoveSelf() {
        AtomicInteger removed = new AtomicInteger();
        AtomicReference<Boolean> won = new AtomicReference<>();
        Attribute<Knob> remove = Attribute.wo("remove", (k, v, ctx) -> won.set(ctx.removeSelf(() -> {
            tree.remove(DIR);
            removed.incrementAndGet();
        })));
        Knob k = new Knob("k", 1);
        addDevice(DIR, k, List.of(AttributeGroup.of(remove), Knob.files()));
        AttributeFile value = tree.open(DIR + "/value");
        AttributeFile f = tree.open(DIR + "/remove");
        f.write("1\n");
        assertEquals(1, removed.get());
        assertEquals(Boolean.TRUE, won.get());
        fails(Errno.ENOENT, () -> tree.open(DIR + "/remove"));
        fails(Errno.ENODEV, () -> f.write("1\n"));
        fails(Errno.ENODEV, () -> value.read());
        assertEquals(1, k.releases.get());
        f.close();
    }

    @Test
    void ofEightConcurrentRemoveWritersExactlyOneRemovesAndNoneDeadlocks() {
        int writers = 8;
        for (int round = 0; round < 20; round++) {
            String dir = "/devices/vbus0/s" + round;
            CyclicBarrier allInside = new CyclicBarrier(writers);
            AtomicInteger removals = new AtomicInteger();
            AtomicInteger winners = new AtomicInteger();
            Attribute<Knob> remove = Attribute.wo("remove", (k, v, ctx) -> {
                Bounded.await(allInside); // all eight are inside the store at once
                if (ctx.removeSelf(() -> {
                    removals.incrementAndGet();
                    assertTrue(tree.remove(dir).removedByThisCall());
                })) {
                    winners.incrementAndGet();
                }
            });
            addDevice(dir, new Knob("k", 1), List.of(AttributeGroup.of(remove)));
            List<Bounded.Worker<Void>> threads = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                AttributeFile f = tree.open(dir + "/remove");
                threads.add(Bounded.Worker.start("writer-" + round + "-" + i, () -> {
                    f.write("1");
                    f.close();
                    return null;
                }));
            }
            for (Bounded.Worker<Void> t : threads) {
                t.finish(); // every writer returns
            }
            assertEquals(1, removals.get(), "round " + round + ": exactly one removal");
            assertEquals(1, winners.get(), "round " + round + ": exactly one removeSelf answered true");
            fails(Errno.ENOENT, () -> tree.list(dir));
        }
    }

    @Test
    void aStoreRemovingItsOwnDeviceWithoutRemoveSelfIsRefusedAndNothingChanges() {
        AtomicReference<DriverModelException> refused = new AtomicReference<>();
        Attribute<Knob> remove = Attribute.wo("remove", (k, v, ctx) -> {
            try {
                tree.remove(DIR);
            } catch (DriverModelException e) {
                refused.set(e);
                throw e;
            }
        });
        Knob k = new Knob("k", 1);
        addDevice(DIR, k, List.of(AttributeGroup.of(remove), Knob.files()));
        try (AttributeFile f = tree.open(DIR + "/remove")) {
            fails(Errno.EINVAL, () -> f.write("1"));
        }
        assertTrue(refused.get().getMessage().contains("removeSelf"), refused.get().getMessage());
        assertEquals(List.of("name", "remove", "reset", "value"), tree.list(DIR));
        try (AttributeFile v = tree.open(DIR + "/value")) {
            assertEquals("1\n", v.read());
        }
        assertTrue(tree.remove(DIR).drained());
    }

    @Test
    void aCallbackMayRemoveAnotherNode() {
        addDevice("/devices/vbus0/b", new Knob("b", 2), List.of(Knob.files()));
        AtomicReference<RemovalReport> report = new AtomicReference<>();
        Attribute<Knob> killer = Attribute.ro("kill_b", k -> {
            report.set(tree.remove("/devices/vbus0/b"));
            return "done\n";
        });
        addDevice(DIR, new Knob("a", 1), List.of(AttributeGroup.of(killer)));
        AttributeFile held = tree.open("/devices/vbus0/b/value");
        try (AttributeFile f = tree.open(DIR + "/kill_b")) {
            assertEquals("done\n", f.read());
        }
        assertTrue(report.get().drained() && report.get().removedByThisCall());
        fails(Errno.ENOENT, () -> tree.list("/devices/vbus0/b"));
        fails(Errno.ENODEV, () -> held.read());
        assertEquals(List.of("x"), tree.list("/devices/vbus0"));
    }

    @Test
    void overlappingRemovalsRemoveOnceAndTheOuterOneWaitsForTheInner() {
        Gate gate = new Gate();
        Knob k = new Knob("k", 1);
        tree.createDirectory(DIR);
        tree.addGroups(DIR, k, List.of(Knob.files(), AttributeGroup.named("sub", gate.slow())));
        tree.activate(DIR);
        AttributeFile slow = tree.open(DIR + "/sub/slow");
        Bounded.Worker<String> reader = Bounded.Worker.start("reader", () -> slow.read());
        Bounded.await(gate.entered);
        Bounded.Worker<RemovalReport> inner = Bounded.Worker.start("inner", () -> tree.remove(DIR + "/sub"));
        Bounded.until(() -> tree.list(DIR).equals(List.of("name", "reset", "value")), "inner removal claimed sub");
        Bounded.Worker<RemovalReport> outer = Bounded.Worker.start("outer", () -> tree.remove(DIR));
        Bounded.Worker<RemovalReport> same = Bounded.Worker.start("same", () -> tree.remove(DIR + "/sub"));
        Bounded.until(() -> {
            try {
                tree.list(DIR);
                return false;
            } catch (DriverModelException e) {
                return e.errno() == Errno.ENOENT;
            }
        }, "outer removal claimed the directory");
        // the second removal of sub is inside the first one's join: it found that removal and waits
        // for it (a thread state would not tell: TIMED_WAITING may be anything, and a removal that
        // starts late, after the first one ended, finds nothing to remove)
        Bounded.until(() -> inFrame(same, Removal.class.getName(), "join"), "second removal of sub joins the first");
        assertTrue(outer.isAlive() && inner.isAlive(), "both wait for the show in flight");
        gate.proceed.countDown();
        reader.finish();
        RemovalReport o = outer.finish();
        RemovalReport i = inner.finish();
        RemovalReport s = same.finish();
        assertTrue(o.drained() && o.removedByThisCall(), o.toString());
        assertTrue(i.drained() && i.removedByThisCall(), i.toString());
        assertTrue(s.drained(), s.toString());
        assertFalse(s.removedByThisCall(), "a second removal of the same node joins the first");
        assertEquals(1, gate.finished.get());
        assertEquals(List.of(), tree.list("/devices/vbus0"));
    }

    @Test
    void afterRemovalTheTreeAndItsHandlesKeepNoOwnerReachable() {
        AttributeFile held = tree.open(addWeaklyHeldDevice());
        assertEquals("1\n", held.read());
        WeakReference<?>[] refs = weak.toArray(new WeakReference<?>[0]);
        weak.clear();
        assertTrue(tree.remove(DIR).drained());
        for (int attempt = 0; attempt < 50 && !allCleared(refs); attempt++) {
            System.gc();
            try {
                Thread.sleep(20); // let the collector and reference processing run; bounded by attempts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        for (WeakReference<?> r : refs) {
            assertNull(r.get(), "still strongly reachable after removal and 50 GCs (pinned by the tree or a handle): " + r.get());
        }
        fails(Errno.ENODEV, () -> held.read()); // the handle itself survives, orphaned
        held.close();
    }

    private final List<WeakReference<?>> weak = new ArrayList<>();

    /** Adds a device whose attribute and owner only the tree holds; returns a file path. */
    private String addWeaklyHeldDevice() {
        Knob owner = new Knob("weak", 1);
        Attribute<Knob> attr = Knob.value();
        weak.add(new WeakReference<>(owner));
        weak.add(new WeakReference<>(attr));
        addDevice(DIR, owner, List.of(AttributeGroup.of(attr)));
        return DIR + "/value";
    }

    /** @return whether a frame of that method of that class is on the thread's stack */
    private static boolean inFrame(Thread t, String className, String method) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(className) && e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allCleared(WeakReference<?>[] refs) {
        for (WeakReference<?> r : refs) {
            if (r.get() != null) {
                return false;
            }
        }
        return true;
    }

    @Test
    void manyReadersWhileOneRemovesSeeTheValueOrEnodevOrEnoentAndNoCallbackRunsAfterRemoval() {
        int readers = 8;
        AtomicBoolean removalReturned = new AtomicBoolean();
        AtomicInteger lateCalls = new AtomicInteger();
        Attribute<Knob> value = Attribute.<Knob>ro("value", k -> {
            if (removalReturned.get()) {
                lateCalls.incrementAndGet();
            }
            return k.value + "\n";
        });
        addDevice(DIR, new Knob("k", 9), List.of(AttributeGroup.of(value)));
        CountDownLatch warmedUp = new CountDownLatch(readers);
        CountDownLatch removed = new CountDownLatch(1);
        Map<String, Integer> unexpected = new ConcurrentHashMap<>();
        List<Bounded.Worker<int[]>> threads = new ArrayList<>();
        for (int t = 0; t < readers; t++) {
            boolean reopen = t % 2 == 0; // half keep their handle (ENODEV), half open anew (ENOENT)
            threads.add(Bounded.Worker.start("reader-" + t, () -> {
                int[] outcomes = new int[3]; // value, ENODEV, ENOENT
                AttributeFile held = tree.open(DIR + "/value");
                int afterRemoval = 0;
                long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(Bounded.SECONDS);
                for (int i = 0; afterRemoval < 200; i++) {
                    if (i == 100) {
                        warmedUp.countDown();
                    }
                    boolean wasRemoved = removed.getCount() == 0;
                    try {
                        String v;
                        if (reopen) {
                            try (AttributeFile f = tree.open(DIR + "/value")) {
                                v = f.read();
                            }
                        } else {
                            v = held.read();
                        }
                        if (!v.equals("9\n")) {
                            unexpected.merge("value " + v, 1, Integer::sum);
                        }
                        if (wasRemoved) {
                            unexpected.merge("value after removal returned", 1, Integer::sum);
                        }
                        outcomes[0]++;
                    } catch (DriverModelException e) {
                        if (e.errno() == Errno.ENODEV) {
                            outcomes[1]++;
                        } else if (e.errno() == Errno.ENOENT) {
                            outcomes[2]++;
                        } else {
                            unexpected.merge(e.getMessage(), 1, Integer::sum);
                        }
                    } catch (RuntimeException e) {
                        unexpected.merge(e.toString(), 1, Integer::sum);
                    }
                    if (wasRemoved) {
                        afterRemoval++;
                    }
                    if (System.nanoTime() - giveUp > 0) { // a deadline, not a count of reads: how many fit in it is the scheduler's business
                        unexpected.merge("never saw the removal within " + Bounded.SECONDS + " s", 1, Integer::sum);
                        break;
                    }
                }
                held.close();
                return outcomes;
            }));
        }
        Bounded.await(warmedUp);
        RemovalReport r = tree.remove(DIR);
        removalReturned.set(true);
        removed.countDown();
        int values = 0;
        for (int t = 0; t < readers; t++) {
            int[] o = threads.get(t).finish();
            values += o[0];
            if (t % 2 == 0) {
                assertTrue(o[2] >= 200, "reader-" + t + " (reopening) saw ENOENT after removal: " + o[2]);
            } else {
                assertTrue(o[1] >= 200, "reader-" + t + " (holding) saw ENODEV after removal: " + o[1]);
            }
        }
        assertTrue(r.drained(), r.toString());
        assertTrue(values >= readers * 100);
        assertEquals(Map.of(), unexpected);
        assertEquals(0, lateCalls.get(), "a show ran after the removal returned");
    }

    @Test
    void removeSelfOutsideItsStoreIsRefused() {
        AtomicReference<Attribute.Context> saved = new AtomicReference<>();
        Attribute<Knob> store = Attribute.wo("w", (k, v, ctx) -> {
            saved.set(ctx);
            fails(Errno.EINVAL, () -> ctx.removeSelf(null));
        });
        addDevice(DIR, new Knob("k", 1), List.of(AttributeGroup.of(store)));
        try (AttributeFile f = tree.open(DIR + "/w")) {
            f.write("1");
        }
        AtomicInteger ran = new AtomicInteger();
        fails(Errno.EINVAL, () -> saved.get().removeSelf(ran::incrementAndGet));
        assertEquals(0, ran.get());
        assertEquals(List.of("w"), tree.list(DIR));
    }
}
