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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.primitives.ActiveGate.Guard;
import org.drivermodel.lifetime.primitives.DrainReport.Occupant;
import org.drivermodel.lifetime.primitives.fixture.OwnerCode;
import org.drivermodel.testing.Bounded;
import org.drivermodel.testing.Bounded.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ActiveGateTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(100);

    private final ActiveGate gate = new ActiveGate("/devices/vbus0/0001:0002.3");

    @Test
    void enterAfterKillFailsWithEnodevNamingTheObject() {
        DrainReport r = gate.kill(LONG, null);
        assertTrue(r.drained());
        assertTrue(r.initiator());
        assertEquals(GateState.DEAD, gate.state());

        DriverModelException x = assertThrows(DriverModelException.class, gate::enter);
        assertEquals(Errno.ENODEV, x.errno());
        assertEquals(gate.name(), x.object());
        assertEquals("ENODEV: /devices/vbus0/0001:0002.3: was removed", x.getMessage());
        assertNull(gate.tryEnter());
        assertEquals(0, gate.inFlight());
    }

    @Test
    void enterWhileDyingFailsWithEnodevAtOnce() {
        CountDownLatch leave = new CountDownLatch(1);
        Worker<Void> reader = insideUntil(leave, "reader");
        DrainReport r = gate.kill(Duration.ZERO, null);
        assertFalse(r.drained());
        assertEquals(GateState.DYING, gate.state());
        DriverModelException x = assertThrows(DriverModelException.class, gate::enter);
        assertEquals(Errno.ENODEV, x.errno());
        assertTrue(x.getMessage().endsWith("is being removed"), x.getMessage());
        leave.countDown();
        reader.finish();
        // the last exit after a timed-out kill finishes the drain by itself
        assertEquals(GateState.DEAD, gate.state());
    }

    @Test
    void killWaitsForAnInFlightEntryAndReturnsAsSoonAsItExits() {
        CountDownLatch leave = new CountDownLatch(1);
        Worker<Void> reader = insideUntil(leave, "reader");

        AtomicReference<DrainReport> report = new AtomicReference<>();
        Worker<Void> killer = Worker.start("killer", () -> report.set(gate.kill(LONG, null)));
        Bounded.until(() -> gate.state() == GateState.DYING, "kill started");
        // the reader is inside and has not been let go: the kill cannot have returned
        assertNull(report.get());
        assertTrue(killer.isAlive());
        assertEquals(1, gate.inFlight());

        long released = System.nanoTime();
        leave.countDown();
        killer.finish();
        long latency = System.nanoTime() - released;
        reader.finish();

        DrainReport r = report.get();
        assertTrue(r.drained(), r::toString);
        assertEquals(0, r.inside());
        assertEquals(GateState.DEAD, gate.state());
        // woken by the exit, not by the 30 s deadline (which would come 30 s after the kill began:
        // waited() says so); the bound is the tests' "at once", far from the deadline, so that a
        // loaded machine's late wake-up of the killer is not taken for a missed wake-up
        assertTrue(latency < TimeUnit.SECONDS.toNanos(Bounded.SECONDS), "kill returned " + latency / 1_000_000 + " ms after the exit");
        assertTrue(r.waited().compareTo(LONG) < 0);
        assertTrue(r.toString().contains("drained in"), r::toString);
    }

    @Test
    void killPastDeadlineNamesTheThreadInsideAndItsFrameInTheOwnersCode() throws Exception {
        ClassLoader driverLoader = new DriverClassLoader("driver-bundle", OwnerCode.class.getName(),
                getClass().getClassLoader());
        Class<?> driverClass = driverLoader.loadClass(OwnerCode.class.getName());
        assertSame(driverLoader, driverClass.getClassLoader());

        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Runnable driverCode = (Runnable) driverClass.getConstructor(CountDownLatch.class, CountDownLatch.class)
                .newInstance(inside, leave);
        Worker<Void> stuck = Worker.start("stuck-in-driver", () -> {
            try (Guard g = gate.enter()) {
                driverCode.run();
            }
        });
        Bounded.await(inside);

        DrainReport r = gate.kill(SHORT, driverLoader);
        assertFalse(r.drained());
        assertTrue(r.waited().compareTo(SHORT) >= 0);
        assertEquals(1, r.inside());
        assertEquals(1, r.occupants().size());
        Occupant o = r.occupants().get(0);
        assertSame(stuck, o.thread());
        assertEquals(1, o.entries());
        StackTraceElement frame = o.ownerFrame().orElseThrow(() -> new AssertionError(r.toString()));
        assertEquals(OwnerCode.class.getName(), frame.getClassName());
        assertEquals("run", frame.getMethodName());
        assertEquals("driver-bundle", frame.getClassLoaderName());
        String log = r.toString();
        assertTrue(log.contains("not drained"), log);
        assertTrue(log.contains("\"stuck-in-driver\""), log);
        assertTrue(log.contains("in owner code at driver-bundle//" + OwnerCode.class.getName() + ".run"), log);

        // the same stack seen with the test's own loader as owner: the driver's copy of OwnerCode
        // is not ours, so the first frame of ours is the test method that called into it
        DrainReport again = gate.kill(Duration.ZERO, getClass().getClassLoader());
        StackTraceElement ours = again.occupants().get(0).ownerFrame().orElseThrow(() -> new AssertionError(again.toString()));
        assertEquals(ActiveGateTest.class.getName(), ours.getClassName());
        assertTrue(ours.getMethodName().contains("killPastDeadlineNamesTheThreadInside"), ours.toString());

        leave.countDown();
        stuck.finish();
        assertTrue(gate.kill(LONG, driverLoader).drained());
    }

    @Test
    void ownerFrameWithTheApplicationLoaderIsTheTestsBlockingMethod() {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Worker<Void> stuck = Worker.start("stuck", () -> {
            try (Guard g = gate.enter()) {
                blockInsideTheGate(inside, leave);
            }
        });
        Bounded.await(inside);
        DrainReport r = gate.kill(Duration.ZERO, getClass().getClassLoader());
        StackTraceElement frame = r.occupants().get(0).ownerFrame().orElseThrow(() -> new AssertionError(r.toString()));
        assertEquals(ActiveGateTest.class.getName(), frame.getClassName());
        assertEquals("blockInsideTheGate", frame.getMethodName());
        leave.countDown();
        stuck.finish();
    }

    /** @return a thread that has entered the gate and stays inside until {@code leave} opens */
    private Worker<Void> insideUntil(CountDownLatch leave, String name) {
        CountDownLatch entered = new CountDownLatch(1);
        Worker<Void> inside = Worker.start(name, () -> {
            try (Guard g = gate.enter()) {
                entered.countDown();
                Bounded.await(leave);
            }
        });
        Bounded.await(entered);
        return inside;
    }

    private static void blockInsideTheGate(CountDownLatch inside, CountDownLatch leave) throws InterruptedException {
        inside.countDown();
        assertTrue(leave.await(Bounded.SECONDS, TimeUnit.SECONDS)); // blocks here, in a JDK frame below ours
    }

    /** Threads enter and exit in a loop until a kill refuses them. */
    @Test
    void afterADrainedKillNoThreadIsInsideAndNoEntrySucceeds() throws Exception {
        int threads = 8;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        AtomicLong admitted = new AtomicLong();
        AtomicBoolean killReturned = new AtomicBoolean();
        CyclicBarrier go = new CyclicBarrier(threads + 1);
        List<Worker<Void>> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(Worker.start("worker-" + i, () -> {
                go.await(Bounded.SECONDS, TimeUnit.SECONDS);
                for (;;) {
                    Guard g;
                    try {
                        g = gate.enter();
                    } catch (DriverModelException refused) {
                        assertEquals(Errno.ENODEV, refused.errno());
                        break;
                    }
                    try {
                        inside.incrementAndGet();
                        try {
                            if (killReturned.get()) {
                                violations.incrementAndGet(); // admitted after the drain
                            }
                            for (int spin = 0; spin < 50; spin++) {
                                Thread.onSpinWait();
                            }
                            if (killReturned.get()) {
                                violations.incrementAndGet(); // still inside after the drain
                            }
                            admitted.incrementAndGet();
                        } finally {
                            inside.decrementAndGet();
                        }
                    } finally {
                        g.close();
                    }
                }
                if (gate.tryEnter() != null) { // refused once, refused forever
                    violations.incrementAndGet();
                }
            }));
        }
        go.await(Bounded.SECONDS, TimeUnit.SECONDS);
        Bounded.until(() -> admitted.get() > 20_000, "traffic through the gate");

        DrainReport r = gate.kill(LONG, null);
        killReturned.set(true);
        int stillInside = inside.get();

        assertTrue(r.drained(), r::toString);
        assertEquals(0, stillInside, "threads inside after the drain");
        assertEquals(GateState.DEAD, gate.state());
        for (Worker<Void> w : workers) {
            w.finish();
        }
        assertEquals(0, violations.get());
        assertEquals(0, gate.inFlight());
        assertThrows(DriverModelException.class, gate::enter);
    }

    @Test
    void aThreadInsideCanKillItsOwnGateAfterBreakingProtection() {
        AtomicReference<DrainReport> report = new AtomicReference<>();
        Worker<Void> self = Worker.start("remove-writer", () -> {
            try (Guard g = gate.enter()) {
                g.breakProtection();
                assertEquals(0, gate.inFlight());
                report.set(gate.kill(LONG, null));
            }
        });
        self.finish();
        assertTrue(report.get().drained(), report.get()::toString);
        assertEquals(GateState.DEAD, gate.state());
        assertEquals(0, gate.inFlight());
    }

    @Test
    void ofConcurrentSelfRemoversExactlyOneInitiatesAndNoneDeadlocks() throws Exception {
        int writers = 6;
        CyclicBarrier allInside = new CyclicBarrier(writers);
        AtomicInteger initiators = new AtomicInteger();
        List<Worker<Void>> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            threads.add(Worker.start("remove-" + i, () -> {
                try (Guard g = gate.enter()) {
                    allInside.await(Bounded.SECONDS, TimeUnit.SECONDS);
                    g.breakProtection();
                    DrainReport r = gate.kill(LONG, null);
                    assertTrue(r.drained(), r::toString);
                    if (r.initiator()) {
                        initiators.incrementAndGet();
                    }
                }
            }));
        }
        for (Worker<Void> t : threads) {
            t.finish();
        }
        assertEquals(1, initiators.get());
        assertEquals(GateState.DEAD, gate.state());
    }

    @Test
    void killFromInsideWithoutBreakingProtectionIsRefusedAndChangesNothing() {
        try (Guard g = gate.enter()) {
            DriverModelException x = assertThrows(DriverModelException.class, () -> gate.kill(LONG, null));
            assertEquals(Errno.EINVAL, x.errno());
            assertEquals(GateState.LIVE, gate.state());
            assertEquals(1, gate.inFlight());
        }
        assertTrue(gate.kill(LONG, null).drained());
    }

    @Test
    void theSameThreadMayEnterTwice() {
        try (Guard outer = gate.enter()) {
            try (Guard inner = gate.enter()) {
                assertEquals(2, gate.inFlight());
            }
            assertEquals(1, gate.inFlight());
        }
        assertEquals(0, gate.inFlight());
        assertTrue(gate.kill(LONG, null).drained());
    }

    @Test
    void nestedEntriesAreReportedPerThreadAndANestedEnterFailsOnceDying() {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch dying = new CountDownLatch(1);
        AtomicReference<Errno> nested = new AtomicReference<>();
        Worker<Void> t = Worker.start("nested", () -> {
            try (Guard outer = gate.enter(); Guard inner = gate.enter()) {
                inside.countDown();
                Bounded.await(dying);
                try (Guard third = gate.enter()) {
                    nested.set(null);
                } catch (DriverModelException e) {
                    nested.set(e.errno());
                }
            }
        });
        Bounded.await(inside);
        DrainReport r = gate.kill(Duration.ZERO, null);
        assertEquals(2, r.inside());
        assertEquals(2, r.occupants().get(0).entries());
        dying.countDown();
        t.finish();
        assertEquals(Errno.ENODEV, nested.get());
        assertEquals(0, gate.inFlight());
    }

    @Test
    void closingAGuardTwiceDoesNotCorruptTheCount() throws Exception {
        CountDownLatch leave = new CountDownLatch(1);
        Worker<Void> other = insideUntil(leave, "other");

        Guard g = gate.enter();
        g.close();
        g.close();
        assertEquals(1, gate.inFlight(), "the other thread's entry must still count");

        // racing closes of one guard from two threads: exactly one counts
        for (int round = 0; round < 200; round++) {
            Guard shared = gate.enter();
            CyclicBarrier both = new CyclicBarrier(2);
            Worker<Void> closer = Worker.start("closer", () -> {
                both.await(Bounded.SECONDS, TimeUnit.SECONDS);
                shared.close();
            });
            both.await(Bounded.SECONDS, TimeUnit.SECONDS);
            shared.close();
            closer.finish();
            assertEquals(1, gate.inFlight());
        }

        AtomicReference<DrainReport> report = new AtomicReference<>();
        Worker<Void> killer = Worker.start("killer", () -> report.set(gate.kill(LONG, null)));
        Bounded.until(() -> gate.state() == GateState.DYING, "kill started");
        assertTrue(killer.isAlive(), "the kill must still wait for the other thread");
        leave.countDown();
        killer.finish();
        other.finish();
        assertTrue(report.get().drained());
    }

    @Test
    void manyEntriesFillTheSlotTableAndAreStillCountedExactly() {
        // beyond every table the gate grows through (together less than twice the biggest)
        int entries = 2 * ActiveGate.MAX_STRIPES * ActiveGate.STRIDE + 100;
        List<Guard> guards = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            guards.add(gate.enter());
        }
        assertEquals(entries, gate.inFlight());

        AtomicReference<DrainReport> report = new AtomicReference<>();
        Worker.start("killer", () -> report.set(gate.kill(Duration.ZERO, null))).finish();
        DrainReport r = report.get();
        assertFalse(r.drained());
        assertEquals(entries, r.inside());
        assertTrue(r.unattributed() > 0, r::toString);
        assertEquals(Thread.currentThread(), r.occupants().get(0).thread());

        // closed in no particular order, across the tables and the overflow counter: each exactly once
        java.util.Collections.shuffle(guards, new java.util.Random(42));
        for (int i = 0; i < entries; i++) {
            guards.get(i).close();
            assertEquals(entries - i - 1, gate.inFlight());
        }
        assertEquals(GateState.DEAD, gate.state());
    }

    @Test
    void concurrentKillersAllWaitAndExactlyOneInitiates() {
        CountDownLatch leave = new CountDownLatch(1);
        Worker<Void> reader = insideUntil(leave, "reader");
        int killers = 4;
        List<DrainReport> reports = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch killing = new CountDownLatch(killers);
        List<Worker<Void>> threads = new ArrayList<>();
        for (int i = 0; i < killers; i++) {
            threads.add(Worker.start("killer-" + i, () -> {
                killing.countDown();
                reports.add(gate.kill(LONG, null));
            }));
        }
        Bounded.await(killing);
        assertTrue(reports.isEmpty(), "no kill may return while the reader is inside");
        leave.countDown();
        for (Worker<Void> t : threads) {
            t.finish();
        }
        reader.finish();
        assertEquals(killers, reports.size());
        assertTrue(reports.stream().allMatch(DrainReport::drained));
        assertEquals(1, reports.stream().filter(DrainReport::initiator).count());
    }

    @Test
    void anInterruptedKillerKeepsWaitingUntilItsDeadlineAndKeepsItsInterrupt() {
        CountDownLatch leave = new CountDownLatch(1);
        Worker<Void> reader = insideUntil(leave, "reader");
        AtomicReference<DrainReport> report = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Worker.start("killer", () -> {
            Thread.currentThread().interrupt();
            report.set(gate.kill(SHORT, null));
            stillInterrupted.set(Thread.interrupted());
        }).finish();
        assertFalse(report.get().drained());
        assertTrue(report.get().waited().compareTo(SHORT) >= 0);
        assertTrue(stillInterrupted.get());
        leave.countDown();
        reader.finish();
    }

    @Test
    void breakProtectionTwiceIsRefused() {
        Guard g = gate.enter();
        g.breakProtection();
        DriverModelException x = assertThrows(DriverModelException.class, g::breakProtection);
        assertEquals(Errno.EINVAL, x.errno());
        g.close();
        assertEquals(0, gate.inFlight());
        assertNotNull(g.toString());
    }
}
