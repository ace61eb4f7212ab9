package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BundleAction;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testing.Bounded;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults of hostile drivers the core contains and names: a probe that throws, a remove that
 * hangs past the deadline (other devices go on meanwhile), an attribute group added after the
 * binding ended.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContainedFaultsTest {
    private static final long DEADLINE_SECONDS = 30;

    private final TestLog log = new TestLog();
    private final DeviceModel model = new DeviceModel(log.logger, CoreSettings.DEFAULTS, System::nanoTime,
            UeventSink.NONE);
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
        ModelTeardown.close(model);
    }

    @Test
    void aProbeThatThrowsIsNamedWithItsErrnoDriverBundleAndDeviceAndTheOthersBind() {
        FakeDriver bad = new FakeDriver("bad") {
            @Override
            void onProbe(BoundDevice device) {
                refused(device);
                throw new IllegalStateException("bad hardware");
            }
        };
        model.addDriver(bad.info("fake", "x"), bad);
        FakeDriver good = new FakeDriver("good");
        model.addDriver(good.info("fake", "y"), good);

        Device x = bus.addDevice("dx", Map.of("id", "x"));
        Device y = bus.addDevice("dy", Map.of("id", "y"));

        assertEquals(DeviceState.UNBOUND, x.state());
        assertEquals(Optional.of("good"), y.driver());
        Leak leak = only(Leak.Kind.PROBE);
        assertEquals(x.path(), leak.object());
        assertEquals(List.of("bundle 7 (org.example.b7)"), leak.holders());
        assertTrue(leak.detail().startsWith("probe of /devices/fake/dx with driver fake/bad (bundle 7 (org.example.b7))"
                + " failed with error -5 (EIO): java.lang.IllegalStateException: bad hardware"), leak.detail());
    }

    @Test
    void aProbeThrowingADriverModelExceptionIsNamedWithThatErrno() {
        FakeDriver bad = new FakeDriver("busy") {
            @Override
            void onProbe(BoundDevice device) {
                refused(device);
                throw new DriverModelException(Errno.EBUSY, device.path(), "controller busy");
            }
        };
        model.addDriver(bad.info("fake", "x"), bad);
        bus.addDevice("dx", Map.of("id", "x"));
        assertTrue(only(Leak.Kind.PROBE).detail().contains("failed with error -16 (EBUSY)"));
    }

    @Test
    void aRemovePastTheDeadlineIsNamedWithItsThreadAndDriverFrameWhileOtherDevicesComeAndGo() throws Exception {
        drainTimeout(Duration.ofMillis(100));
        CountDownLatch inside = new CountDownLatch(1);
        FakeDriver hang = new FakeDriver("hang") {
            @Override
            public void remove(BoundDevice device) {
                super.remove(device);
                inside.countDown();
                Bounded.await(release);
            }
        };
        model.addDriver(hang.info("fake", "h"), hang);
        FakeDriver good = new FakeDriver("good");
        model.addDriver(good.info("fake", "y"), good);
        String h = bus.addDevice("dh", Map.of("id", "h")).path();

        Thread unplug = new Thread(() -> bus.removeDevice("dh"), "unplugger");
        unplug.start();
        Bounded.await(inside);
        Bounded.until(() -> model.report().leaks().stream().anyMatch(l -> l.kind() == Leak.Kind.REMOVE), "the remove is reported");

        // contained: only this device's lock is held; others are added, bound, removed
        Device y = bus.addDevice("dy", Map.of("id", "y"));
        assertEquals(Optional.of("good"), y.driver());
        bus.removeDevice("dy");
        assertEquals(DeviceState.REMOVED, y.state());
        // a driver arriving walks the bus without waiting for the hanging device's lock; one leaving too
        Device z = bus.addDevice("dz", Map.of("id", "z"));
        FakeDriver arriving = new FakeDriver("arriving");
        DriverEntry arrived = model.addDriver(arriving.info("fake", "z"), arriving);
        assertEquals(Optional.of("arriving"), z.driver());
        model.removeDriver(arrived);
        assertEquals(DeviceState.UNBOUND, z.state());
        assertTrue(unplug.isAlive(), "the removal waits for the remove");

        Leak leak = only(Leak.Kind.REMOVE);
        assertEquals(h, leak.object());
        assertEquals(List.of("unplugger"), leak.holders());
        assertTrue(leak.detail().startsWith("remove of driver fake/hang (bundle 7 (org.example.b7)) for " + h
                + " still running after 100 ms (drain.timeout.ms): thread \"unplugger\""), leak.detail());
        assertTrue(leak.detail().contains(ContainedFaultsTest.class.getName() + "$"), "the driver frame: " + leak.detail());

        release.countDown();
        unplug.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(unplug.isAlive());
        assertEquals(0, hang.violations.get());
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("warn device " + h + ": remove of driver fake/hang returned after")),
                log.lines.toString());
    }

    @Test
    void aRemoveWithinTheDeadlineIsNotReported() {
        FakeDriver d = new FakeDriver("ok");
        model.addDriver(d.info("fake", "x"), d);
        bus.addDevice("dx", Map.of("id", "x"));
        bus.removeDevice("dx");
        assertEquals(List.of(), model.report().leaks());
    }

    @Test
    void attributesAddedDuringTheBindingGoWithItAndOneAddedAfterRemoveIsRefusedAndNamed() throws Exception {
        AtomicReference<BoundDevice> probed = new AtomicReference<>();
        FakeDriver d = new FakeDriver("late") {
            @Override
            void onProbe(BoundDevice device) {
                device.addAttributes(AttributeGroup.of(Attribute.<BoundDevice>ro("early", x -> "e\n")));
                probed.set(device);
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Device dev = bus.addDevice("dx", Map.of("id", "x"));
        try (AttributeFile early = model.open(dev.path() + "/early")) {
            assertEquals("e\n", early.read());
        }
        probed.get().addAttributes(AttributeGroup.of(Attribute.<BoundDevice>ro("bound", x -> "b\n")));
        try (AttributeFile b = model.open(dev.path() + "/bound")) {
            assertEquals("b\n", b.read());
        }
        assertErrno(Errno.EEXIST, () -> probed.get().addAttributes(AttributeGroup.of(Attribute.<BoundDevice>ro("bound", x -> ""))));

        model.unbind("fake", "late", "dx");

        assertErrno(Errno.ENOENT, () -> model.open(dev.path() + "/early"));
        assertErrno(Errno.ENOENT, () -> model.open(dev.path() + "/bound"));
        DriverModelException refused = null;
        try {
            probed.get().addAttributes(AttributeGroup.of(Attribute.<BoundDevice>ro("ghost", x -> "g\n"))); // the driver's call
        } catch (DriverModelException e) {
            refused = e;
        }
        assertEquals(Errno.ENODEV, refused.errno());
        assertTrue(refused.getMessage().contains("after remove"), refused.getMessage());
        assertErrno(Errno.ENOENT, () -> model.open(dev.path() + "/ghost"));
        Leak leak = only(Leak.Kind.REGISTRATION);
        assertEquals(dev.path(), leak.object());
        assertEquals(List.of(Thread.currentThread().getName()), leak.holders());
        assertTrue(leak.detail().contains("attribute group (unnamed) [ghost] for " + dev.path() + " refused with ENODEV: its binding"
                + " has ended (binding 1 of driver fake/late (bundle 7 (org.example.b7))); called by thread"), leak.detail());
        assertTrue(leak.detail().contains("at " + ContainedFaultsTest.class.getName() + "."), leak.detail());
        assertErrno(Errno.EINVAL, () -> probed.get().addAttributes(null));
    }

    private Leak only(Leak.Kind kind) {
        List<Leak> leaks = model.report().leaks().stream().filter(l -> l.kind() == kind).toList();
        assertEquals(1, leaks.size(), leaks.toString());
        return leaks.get(0);
    }

    private void drainTimeout(Duration d) {
        CoreSettings s = CoreSettings.DEFAULTS;
        model.configure(new CoreSettings(s.deferredProbeTimeout(), false, d, s.releaseTimeout(), s.refTracking()));
    }
}
