package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.BundleAction;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.api.Uevent;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.primitives.RefTracking;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Driver code is untrusted: the model stays consistent whatever a driver does — any
 * {@code Throwable} from any callback, re-entrant calls that would end its own binding, a handle
 * kept past its binding, a probe that blocks — and the lifetime report names it. Each test checks
 * containment while the fault is active, the report entry, and a clean state afterwards.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UntrustedDriverTest {
    private static final long DEADLINE_SECONDS = 30;
    /** The drain deadline of this model: short, so that the tests of stuck probes run fast. */
    private static final Duration DRAIN = Duration.ofMillis(300);

    private final TestLog log = new TestLog();
    private final Map<String, CountDownLatch> removed = new ConcurrentHashMap<>();
    private final DeviceModel model = new DeviceModel(log.logger,
            new CoreSettings(Duration.ofSeconds(10), false, DRAIN, Duration.ofSeconds(5), RefTracking.OFF),
            System::nanoTime, (action, device, driver) -> {
                if (action == Uevent.REMOVE) {
                    removed.computeIfAbsent(device.name(), n -> new CountDownLatch(1)).countDown();
                }
            });
    private final BusHandle bus = model.attachBus(new FakeBus("fake"), 1);
    private final CountDownLatch release = new CountDownLatch(1);

    {
        model.usage().useBundles(new BundleOps() {
            @Override
            public String describe(long bundleId) {
                return "bundle " + bundleId + " (org.example.b" + bundleId + ")";
            }

            @Override
            public void apply(long bundleId, BundleAction action) {
                throw new AssertionError("not used");
            }
        });
    }

    @AfterEach
    void letGo() {
        release.countDown();
        model.close();
        RefTracking.setGlobal(RefTracking.OFF);
    }

    // ------------------------------------------------------------ any Throwable

    @Test
    void aRemoveThatThrowsAnErrorStillEndsTheBindingAndTheDriverIsGoneAndRegistersAgain() {
        FakeDriver d = new FakeDriver("err") {
            @Override
            public void remove(BoundDevice device) {
                super.remove(device);
                throw new AssertionError("remove blew up");
            }
        };
        DriverEntry e = model.addDriver(d.info("fake", "x"), d);
        Device dev = bus.addDevice("d1", Map.of("id", "x"));
        assertEquals(DeviceState.BOUND, dev.state());

        model.removeDriver(e);

        assertEquals(DeviceState.UNBOUND, dev.state());
        assertEquals(List.of(), model.drivers(), "the driver entry is gone");
        assertErrno(Errno.ENOENT, () -> model.open(dev.path() + "/driver"));
        Leak fault = only(Leak.Kind.FAULT);
        assertEquals(dev.path(), fault.object());
        assertEquals(List.of("bundle 7 (org.example.b7)"), fault.holders());
        assertTrue(fault.detail().startsWith("remove of driver fake/err (bundle 7 (org.example.b7)) for /devices/fake/d1"
                + " (binding 1) threw java.lang.AssertionError: remove blew up"), fault.detail());
        FakeDriver again = new FakeDriver("err");
        model.addDriver(again.info("fake", "x"), again);
        assertEquals(DeviceState.BOUND, dev.state(), "the next generation of the driver binds");
        assertEquals(List.of("probe d1", "remove d1"), d.calls, "remove ran once");
        assertEquals(0, d.violations.get() + again.violations.get());
    }

    @Test
    void aProbeThatThrowsAnErrorLeavesTheDeviceUnboundForTheNextDriverAndIsNamed() {
        FakeDriver bad = new FakeDriver("bad") {
            @Override
            void onProbe(BoundDevice device) {
                device.resources().add("irq", () -> { });
                throw new StackOverflowError("deep");
            }
        };
        FakeDriver good = new FakeDriver("good");
        model.addDriver(bad.info("fake", "x"), bad);
        model.addDriver(good.info("fake", "x"), good);

        Device dev = bus.addDevice("d1", Map.of("id", "x"));

        assertEquals(DeviceState.BOUND, dev.state());
        assertEquals(List.of("good"), dev.driver().stream().toList());
        assertEquals(List.of("probe d1"), bad.calls, "no remove for a failed probe");
        Leak probe = only(Leak.Kind.PROBE);
        assertTrue(probe.detail().contains("failed with error -5 (EIO): java.lang.StackOverflowError: deep"), probe.detail());
    }

    @Test
    void deviceAttributesThatThrowFailTheProbeAndRemoveRunsOnce() {
        FakeDriver d = new FakeDriver("groups") {
            @Override
            public List<AttributeGroup<BoundDevice>> deviceAttributes() {
                throw new LinkageError("missing class");
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Device dev = bus.addDevice("d1", Map.of("id", "x"));
        assertEquals(DeviceState.UNBOUND, dev.state());
        assertEquals(List.of("probe d1", "remove d1"), d.calls);
        assertTrue(only(Leak.Kind.FAULT).detail().contains("deviceAttributes of driver fake/groups"));
    }

    @Test
    void matchDataThatThrowsWhenReadFailsOnlyThatDriverOnceAndNamesIt() {
        FakeDriver bad = new FakeDriver("table");
        List<String> hostile = new AbstractList<>() {
            @Override
            public String get(int index) {
                throw new OutOfMemoryError("hostile id table");
            }

            @Override
            public int size() {
                return 1;
            }
        };
        model.addDriver(new DriverInfo("table", "fake", 7, Map.of("ids", hostile)), bad);
        FakeDriver good = new FakeDriver("good");
        model.addDriver(good.info("fake", "x"), good);

        Device d1 = bus.addDevice("d1", Map.of("id", "x"));
        Device d2 = bus.addDevice("d2", Map.of("id", "x"));

        assertEquals(DeviceState.BOUND, d1.state());
        assertEquals(DeviceState.BOUND, d2.state());
        Leak fault = only(Leak.Kind.FAULT);
        assertEquals("/bus/fake/drivers/table", fault.object());
        assertTrue(fault.detail().contains("OutOfMemoryError: hostile id table"), fault.detail());
    }

    @Test
    void aShowOrStoreThatThrowsAnErrorGivesEioAndIsNamedOnceAndAHugeShowIsCutToAPage() {
        FakeDriver d = new FakeDriver("attrs") {
            @Override
            public List<AttributeGroup<BoundDevice>> deviceAttributes() {
                return List.of(AttributeGroup.of(
                        Attribute.<BoundDevice>rw("bad", x -> { throw new InternalError("show"); },
                                (x, v, ctx) -> { throw new ExceptionInInitializerError("store"); }),
                        Attribute.<BoundDevice>ro("huge", x -> "y".repeat(1 << 20))));
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Device dev = bus.addDevice("d1", Map.of("id", "x"));
        try (AttributeFile bad = model.open(dev.path() + "/bad"); AttributeFile huge = model.open(dev.path() + "/huge")) {
            for (int i = 0; i < 3; i++) {
                DriverModelException e = assertErrno(Errno.EIO, () -> bad.read());
                assertNull(e.getCause(), "the driver's throwable is not handed to the reader");
                assertErrno(Errno.EIO, () -> bad.write("1"));
                assertEquals(4096, huge.read().length());
            }
        }
        List<Leak> faults = leaks(Leak.Kind.FAULT);
        assertEquals(2, faults.size(), "one each for show and store, however often: " + faults);
        assertTrue(faults.get(0).detail().startsWith("show bad of driver fake/attrs"), faults.get(0).detail());
        assertTrue(faults.get(1).detail().startsWith("store bad of driver fake/attrs"), faults.get(1).detail());
        assertEquals(1, log.lines.stream().filter(l -> l.contains("more than a page")).count(), log.lines.toString());
    }

    // ------------------------------------------------------------ re-entrant calls

    @Test
    void aRemoveThatUnplugsItsOwnDeviceRunsOnceAndTheDeviceGoesAfterwards() throws Exception {
        FakeDriver d = new FakeDriver("selfunplug") {
            @Override
            public void remove(BoundDevice device) {
                super.remove(device);
                bus.removeDevice(device.name()); // deferred: this thread holds the device lock
            }
        };
        DriverEntry e = model.addDriver(d.info("fake", "x"), d);
        Device dev = bus.addDevice("d1", Map.of("id", "x"));

        model.removeDriver(e);

        assertTrue(removal("d1").await(DEADLINE_SECONDS, TimeUnit.SECONDS));
        assertEquals(DeviceState.REMOVED, dev.state());
        assertEquals(List.of("probe d1", "remove d1"), d.calls);
        assertEquals(0, d.violations.get());
        assertEquals(List.of(), model.drivers());
    }

    @Test
    void aProbeThatUnplugsItsOwnDeviceIsRemovedOnlyAfterItsProbeReturned() throws Exception {
        AtomicReference<String> stateInProbe = new AtomicReference<>();
        FakeDriver d = new FakeDriver("probeunplug") {
            @Override
            void onProbe(BoundDevice device) {
                bus.removeDevice(device.name());
                stateInProbe.set(device.state() + " " + calls);
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Device dev = bus.addDevice("d1", Map.of("id", "x"));

        assertTrue(removal("d1").await(DEADLINE_SECONDS, TimeUnit.SECONDS));
        assertEquals("PROBING [probe d1]", stateInProbe.get(), "remove did not run inside probe");
        assertEquals(DeviceState.REMOVED, dev.state());
        assertEquals(List.of("probe d1", "remove d1"), d.calls);
        assertEquals(0, d.violations.get());
    }

    @Test
    void aProbeThatUnbindsItsOwnDeviceEndsTheBindingWhenItReturns() {
        FakeDriver d = new FakeDriver("probeunbind") {
            @Override
            void onProbe(BoundDevice device) {
                model.unbind("fake", "probeunbind", device.name());
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Device dev = bus.addDevice("d1", Map.of("id", "x"));
        assertEquals(DeviceState.UNBOUND, dev.state());
        assertEquals(List.of("probe d1", "remove d1"), d.calls);
    }

    @Test
    void aStoreThatUnplugsItsOwnDeviceThroughItsBusRemovesItWithoutWaitingForItself() {
        FakeDriver d = new FakeDriver("storeunplug") {
            @Override
            public List<AttributeGroup<BoundDevice>> deviceAttributes() {
                return List.of(AttributeGroup.of(Attribute.<BoundDevice>wo("eject", (x, v, ctx) -> bus.removeDevice(x.name()))));
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Device dev = bus.addDevice("d1", Map.of("id", "x"));
        try (AttributeFile eject = model.open(dev.path() + "/eject")) {
            eject.write("1");
        }
        assertEquals(DeviceState.REMOVED, dev.state());
        assertErrno(Errno.ENOENT, () -> model.list(dev.path()));
        assertErrno(Errno.ENOENT, () -> model.device("fake/d1"));
        assertEquals(List.of("probe d1", "remove d1"), d.calls);
    }

    @Test
    void aStoreThatUnbindsItsOwnDeviceOrStopsItsDriverEndsTheBindingOnce() {
        AtomicReference<DriverEntry> entry = new AtomicReference<>();
        FakeDriver d = new FakeDriver("storeunbind") {
            @Override
            public List<AttributeGroup<BoundDevice>> deviceAttributes() {
                return List.of(AttributeGroup.of(
                        Attribute.<BoundDevice>wo("unbind_me", (x, v, ctx) -> model.unbind("fake", "storeunbind", x.name())),
                        Attribute.<BoundDevice>wo("stop_me", (x, v, ctx) -> model.removeDriver(entry.get()))));
            }
        };
        entry.set(model.addDriver(d.info("fake", "x"), d));
        Device d1 = bus.addDevice("d1", Map.of("id", "x"));
        Device d2 = bus.addDevice("d2", Map.of("id", "x"));
        try (AttributeFile f = model.open(d1.path() + "/unbind_me")) {
            f.write("1");
        }
        assertEquals(DeviceState.UNBOUND, d1.state());
        try (AttributeFile f = model.open(d2.path() + "/stop_me")) {
            f.write("1");
        }
        assertEquals(DeviceState.UNBOUND, d2.state());
        assertEquals(List.of(), model.drivers(), "the driver entry is gone with its stop");
        assertEquals(List.of("probe d1", "probe d2", "remove d1", "remove d2"), d.calls);
        assertEquals(0, d.violations.get());
    }

    @Test
    void aRemoveThatStopsItsOwnDriverRunsOnceAndEveryOtherDeviceIsUnbound() {
        AtomicReference<DriverEntry> entry = new AtomicReference<>();
        FakeDriver d = new FakeDriver("removestop") {
            @Override
            public void remove(BoundDevice device) {
                super.remove(device);
                if (device.name().equals("d1")) {
                    model.removeDriver(entry.get()); // its bundle stopping from inside remove
                }
            }
        };
        entry.set(model.addDriver(d.info("fake", "x"), d));
        bus.addDevice("d1", Map.of("id", "x"));
        Device d2 = bus.addDevice("d2", Map.of("id", "x"));

        bus.removeDevice("d1");

        assertEquals(DeviceState.UNBOUND, d2.state());
        assertEquals(List.of(), model.drivers());
        assertEquals(List.of("probe d1", "probe d2", "remove d1", "remove d2"), d.calls);
        assertEquals(0, d.violations.get());
    }

    // ------------------------------------------------------------ a binding is an instance

    @Test
    void aHandleKeptPastItsBindingNeverReachesTheNextBinding() {
        FakeDriver d = new FakeDriver("stale") {
            @Override
            void onProbe(BoundDevice device) {
                device.setDriverData("generation " + device.generation());
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Device dev = bus.addDevice("d1", Map.of("id", "x"));
        BoundDevice first = d.handles.get("d1");
        model.unbind("fake", "stale", "d1");
        model.bind("fake", "stale", "d1");
        BoundDevice second = d.handles.get("d1");

        assertEquals(1, first.generation());
        assertEquals(2, second.generation());
        assertFalse(first.isLive());
        assertSame(dev, first.device());
        DriverModelException e = assertErrno(Errno.ENODEV, () -> first.driverData(String.class));
        assertTrue(e.getMessage().contains("binding 1 (driver fake/stale (bundle 7 (org.example.b7))) has ended"), e.getMessage());
        assertErrno(Errno.ENODEV, () -> first.setDriverData("overwritten"));
        assertErrno(Errno.ENODEV, first::resources);
        assertErrno(Errno.ENODEV, () -> first.addDisconnect("late", () -> { }));
        assertErrno(Errno.ENODEV, () -> first.addAttributes(AttributeGroup.of(Attribute.<BoundDevice>ro("late", x -> ""))));
        assertEquals("generation 2", second.driverData(String.class), "the new binding's data is untouched");
        assertEquals(DeviceState.BOUND, first.state(), "as a Device it still answers about the device");
    }

    // ------------------------------------------------------------ a probe that blocks

    @Test
    void aBlockedProbeHoldsUpOnlyItsOwnDeviceAndAStopWaitsOnlyItsDeadline() throws Exception {
        CountDownLatch inProbe = new CountDownLatch(1);
        AtomicInteger removes = new AtomicInteger();
        FakeDriver d = new FakeDriver("stuck") {
            @Override
            void onProbe(BoundDevice device) throws Exception {
                if (device.name().equals("slow")) {
                    inProbe.countDown();
                    assertTrue(release.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
                }
            }

            @Override
            public void remove(BoundDevice device) {
                super.remove(device);
                removes.incrementAndGet();
            }
        };
        DriverEntry e = model.addDriver(d.info("fake", "x"), d);
        Thread plugger = new Thread(() -> bus.addDevice("slow", Map.of("id", "x")), "plugger");
        plugger.setDaemon(true);
        plugger.start();
        assertTrue(inProbe.await(DEADLINE_SECONDS, TimeUnit.SECONDS));

        Device other = bus.addDevice("other", Map.of("id", "x")); // another plug on the same bus goes on
        assertEquals(DeviceState.BOUND, other.state());
        model.removeDriver(e); // waits for the stuck probe at most its deadline

        assertEquals(List.of(), model.drivers(), "the driver is gone");
        assertEquals(DeviceState.UNBOUND, other.state());
        Leak stuck = only(Leak.Kind.PROBE);
        assertEquals(List.of("plugger"), stuck.holders());
        assertTrue(stuck.detail().contains("probe of driver fake/stuck (bundle 7 (org.example.b7)) for /devices/fake/slow"),
                stuck.detail());
        assertTrue(stuck.detail().contains("thread \"plugger\""), stuck.detail());

        release.countDown(); // the probe returns: its binding is unwound without calling the driver again
        plugger.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(plugger.isAlive());
        Device slow = model.device("fake/slow");
        assertEquals(DeviceState.UNBOUND, slow.state());
        assertEquals(1, removes.get(), "remove ran for 'other' only: the abandoned driver is not called again");
    }

    @Test
    void anUnplugOfADeviceWhoseProbeIsStuckReturnsAfterTheDeadlineAndTheDeviceGoesWhenTheProbeReturns() throws Exception {
        CountDownLatch inProbe = new CountDownLatch(1);
        FakeDriver d = new FakeDriver("stuck") {
            @Override
            void onProbe(BoundDevice device) throws Exception {
                inProbe.countDown();
                assertTrue(release.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Thread plugger = new Thread(() -> bus.addDevice("slow", Map.of("id", "x")), "plugger");
        plugger.setDaemon(true);
        plugger.start();
        assertTrue(inProbe.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
        Device slow = model.device("fake/slow");

        bus.removeDevice("slow");

        assertErrno(Errno.ENOENT, () -> model.device("fake/slow"));
        assertEquals(DeviceState.PROBING, slow.state(), "its probe still runs");
        bus.addDevice("slow", Map.of("id", "none")); // the name is free again
        release.countDown();
        plugger.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(plugger.isAlive());
        assertEquals(DeviceState.REMOVED, slow.state());
        assertEquals(List.of("probe slow", "remove slow"), d.calls, "the live driver's remove ran once");
    }

    // ------------------------------------------------------------ helpers

    private CountDownLatch removal(String name) {
        return removed.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    private List<Leak> leaks(Leak.Kind kind) {
        return model.report().leaks().stream().filter(l -> l.kind() == kind).toList();
    }

    private Leak only(Leak.Kind kind) {
        List<Leak> leaks = leaks(kind);
        assertEquals(1, leaks.size(), leaks.toString());
        return leaks.get(0);
    }
}
