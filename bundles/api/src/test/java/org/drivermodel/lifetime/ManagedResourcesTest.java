package org.drivermodel.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testing.Bounded;
import org.drivermodel.testing.Bounded.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ManagedResourcesTest {

    /** Bound of every wait: only a broken build waits this long. */
    private static final long SECONDS = 10;

    private final ManagedResources res = new ManagedResources("/devices/vbus0/led0 bound to vled");
    private final List<String> released = Collections.synchronizedList(new ArrayList<>());

    private AutoCloseable releasing(String name) {
        return () -> released.add(name);
    }

    @Test
    void releaseAllReleasesInReverseOrderExactlyOnce() {
        res.add("irq", releasing("irq"));
        res.add("mmio", releasing("mmio"));
        res.add("clock", releasing("clock"));
        assertEquals(List.of("irq", "mmio", "clock"), res.names());

        assertTrue(res.releaseAll().isEmpty());
        assertEquals(List.of("clock", "mmio", "irq"), released);
        assertEquals(ResourcesState.RELEASED, res.state());
        assertTrue(res.isEmpty());

        assertTrue(res.releaseAll().isEmpty());
        assertEquals(3, released.size(), "a second releaseAll releases nothing again");
    }

    @Test
    void aFailingReleaseDoesNotStopTheOthersAndIsReported() {
        res.add("a", releasing("a"));
        res.add("b", () -> { throw new IOException("bus gone"); });
        res.add("c", releasing("c"));
        res.add("d", () -> { throw new NoClassDefFoundError("org/example/driver/Gone"); });

        List<ReleaseFailure> failures = res.releaseAll();
        assertEquals(List.of("c", "a"), released);
        assertEquals(2, failures.size());
        assertEquals("d", failures.get(0).name());
        assertTrue(failures.get(0).error() instanceof NoClassDefFoundError);
        assertEquals("b", failures.get(1).name());
        assertEquals("bus gone", failures.get(1).error().getMessage());
        assertTrue(failures.get(1).toString().startsWith("releasing \"b\" failed"), failures.get(1)::toString);
    }

    @Test
    void manageHandsTheResourceBackAndReleasesItWithTheGivenAction() {
        StringBuilder buffer = res.manage("buffer", new StringBuilder("data"), sb -> released.add("buffer:" + sb));
        assertEquals("data", buffer.toString());
        res.releaseAll();
        assertEquals(List.of("buffer:data"), released);
    }

    @Test
    void rollingBackAGroupReleasesOnlyWhatWasAddedSinceItOpened() {
        res.add("before", releasing("before"));
        ManagedResources.Group g = res.openGroup();
        res.add("g1", releasing("g1"));
        res.add("g2", releasing("g2"));
        assertTrue(g.rollback().isEmpty());
        assertEquals(List.of("g2", "g1"), released);
        assertEquals(List.of("before"), res.names());

        g.close(); // after a rollback: nothing
        assertTrue(g.rollback().isEmpty());
        res.add("after", releasing("after"));
        res.releaseAll();
        assertEquals(List.of("g2", "g1", "after", "before"), released);
    }

    @Test
    void closingAGroupCommitsItsResourcesToTheBinding() {
        try (ManagedResources.Group g = res.openGroup()) {
            res.add("kept", releasing("kept"));
        }
        assertEquals(List.of("kept"), res.names());
        assertTrue(released.isEmpty());
        res.releaseAll();
        assertEquals(List.of("kept"), released);
    }

    @Test
    void groupsNest() {
        res.add("base", releasing("base"));
        ManagedResources.Group outer = res.openGroup();
        res.add("o1", releasing("o1"));
        ManagedResources.Group inner = res.openGroup();
        res.add("i1", releasing("i1"));
        inner.rollback();
        assertEquals(List.of("i1"), released);

        ManagedResources.Group kept = res.openGroup();
        res.add("k1", releasing("k1"));
        kept.close();
        ManagedResources.Group open = res.openGroup();
        res.add("x1", releasing("x1"));
        res.add("o2", releasing("o2"));

        outer.rollback(); // takes what the committed and the still-open nested groups hold too
        assertEquals(List.of("i1", "o2", "x1", "k1", "o1"), released);
        assertEquals(List.of("base"), res.names());
        assertTrue(open.rollback().isEmpty(), "swept away with the enclosing group");
        open.close();
        assertEquals(List.of("base"), res.names());
    }

    @Test
    void aGroupRollbackGoesOnAfterAFailure() {
        ManagedResources.Group g = res.openGroup();
        res.add("ok", releasing("ok"));
        res.add("bad", () -> { throw new IllegalStateException("stuck"); });
        List<ReleaseFailure> failures = g.rollback();
        assertEquals(1, failures.size());
        assertEquals("bad", failures.get(0).name());
        assertEquals(List.of("ok"), released);
    }

    @Test
    void addingAfterReleaseAllGivesEnodevAndReleasesTheResourceAtOnce() {
        res.releaseAll();
        DriverModelException x = assertThrows(DriverModelException.class, () -> res.add("late-irq", releasing("late-irq")));
        assertEquals(Errno.ENODEV, x.errno());
        assertEquals("/devices/vbus0/led0 bound to vled", x.object());
        assertEquals(List.of("late-irq"), released);
        assertTrue(res.isEmpty());

        Exception failure = new IOException("cannot free");
        DriverModelException y = assertThrows(DriverModelException.class, () -> res.add("late-bad", () -> { throw failure; }));
        assertSame(failure, y.getSuppressed()[0]);

        assertThrows(DriverModelException.class, () -> res.manage("late", "x", s -> released.add("late:" + s)));
        assertEquals(List.of("late-irq", "late:x"), released);
        assertEquals(Errno.ENODEV, assertThrows(DriverModelException.class, res::openGroup).errno());
    }

    @Test
    void anOpenGroupIsNotAResource() {
        assertTrue(res.isEmpty());
        ManagedResources.Group g = res.openGroup();
        assertTrue(res.isEmpty(), "an open group is not a resource");
        res.add("irq", releasing("irq"));
        res.add("mmio", releasing("mmio"));
        g.close();
        assertFalse(res.isEmpty());
        assertEquals(List.of("irq", "mmio"), res.names());
    }

    @Test
    void everyResourceIsReleasedExactlyOnceWhenAddsRaceWithReleaseAll() throws Exception {
        int adders = 4;
        int perAdder = 2_000;
        AtomicIntegerArray counts = new AtomicIntegerArray(adders * perAdder);
        CyclicBarrier go = new CyclicBarrier(adders + 1);
        List<Worker<Void>> threads = new ArrayList<>();
        for (int a = 0; a < adders; a++) {
            int base = a * perAdder;
            threads.add(Worker.start("adder-" + a, () -> {
                go.await(Bounded.SECONDS, TimeUnit.SECONDS);
                for (int i = 0; i < perAdder; i++) {
                    int id = base + i;
                    try {
                        res.add("r" + id, () -> counts.incrementAndGet(id));
                    } catch (DriverModelException e) {
                        assertEquals(Errno.ENODEV, e.errno());
                    }
                }
            }));
        }
        go.await(Bounded.SECONDS, TimeUnit.SECONDS);
        Bounded.until(() -> res.names().size() > 100, "some resources added");
        List<Worker<Void>> releasers = List.of(
                Worker.start("release-1", () -> assertTrue(res.releaseAll().isEmpty())),
                Worker.start("release-2", () -> assertTrue(res.releaseAll().isEmpty())));
        for (Worker<Void> t : releasers) {
            t.finish();
        }
        for (Worker<Void> t : threads) {
            t.finish();
        }
        for (int id = 0; id < counts.length(); id++) {
            assertEquals(1, counts.get(id), "resource r" + id);
        }
        assertEquals(ResourcesState.RELEASED, res.state());
    }
}
