package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.ManagedResources;
import org.drivermodel.lifetime.primitives.RefTracking;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The binding semantics of Linux dd.c/bus.c: managed resources per binding, deferred probe,
 * manual bind and unbind, driver_override, drivers_autoprobe, children before parents.
 */
@Timeout(30)
class BindingSemanticsTest {
    private final TestLog log = new TestLog();
    private final List<String> uevents = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private final DeviceModel model = new DeviceModel(log.logger, CoreSettings.DEFAULTS, clock::get, (action, device, driver) -> uevents.add(action + " " + device.name() + (driver == null ? "" : " " + driver)));
    private final BusHandle ctx = model.attachBus(new FakeBus("fake"), 1);

    @AfterEach
    void closeModel() {
        ModelTeardown.close(model);
    }


    private List<String> state() {
        List<String> s = new ArrayList<>();
        model.devices().forEach(d -> s.add(d.path() + " " + d.state() + " " + d.driver().orElse("-") + " "
                + d.driverOverride().orElse("-")));
        s.add("deferred " + model.deferredDevices());
        s.add("autoprobe " + model.autoprobe("fake"));
        return s;
    }

    // ------------------------------------------------------------ managed resources

    @Test
    void managedResourcesAreReleasedNewestFirstAfterRemoveReturns() {
        List<String> events = new ArrayList<>();
        FakeDriver d = new FakeDriver("d") {
            @Override
            void onProbe(BoundDevice device) {
                device.resources().add("irq", () -> events.add("free irq"));
                device.resources().add("timer", () -> events.add("stop timer"));
            }

            @Override
            public void remove(BoundDevice device) {
                super.remove(device);
                events.add("remove");
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Device dev = ctx.addDevice("d1", Map.of("id", "x"));
        assertEquals(List.of(), events);
        ctx.removeDevice("d1");
        assertEquals(List.of("remove", "stop timer", "free irq"), events);
        assertErrno(Errno.ENODEV, d.handles.get("d1")::resources);
    }

    @Test
    void aFailedProbeReleasesWhatItAcquired() {
        List<String> events = new ArrayList<>();
        FakeDriver d = new FakeDriver("d") {
            @Override
            void onProbe(BoundDevice device) throws Exception {
                device.resources().add("a", () -> events.add("release a"));
                device.resources().add("b", () -> events.add("release b"));
                refused(device);
                throw new Exception("controller did not answer");
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Device dev = ctx.addDevice("d1", Map.of("id", "x"));
        assertEquals(DeviceState.UNBOUND, dev.state());
        assertEquals(List.of("release b", "release a"), events);
    }

    @Test
    void aResourceOfferedThroughAStaleBindingIsReleasedAtOnceAndRefused() {
        ManagedResources[] kept = new ManagedResources[1];
        FakeDriver d = new FakeDriver("d") {
            @Override
            void onProbe(BoundDevice device) {
                kept[0] = device.resources();
            }
        };
        DriverEntry e = model.addDriver(d.info("fake", "x"), d);
        ctx.addDevice("d1", Map.of("id", "x"));
        model.removeDriver(e);
        List<String> events = new ArrayList<>();
        assertErrno(Errno.ENODEV, () -> kept[0].add("late", () -> events.add("released")));
        assertEquals(List.of("released"), events, "nothing is left behind for the next binding");

        // Linux refuses to probe a device with devres left over (EBUSY "Resources present before
        // probing"): its list is the device's. Here it is the binding's, made new by each probe
        List<Object> atProbe = new ArrayList<>();
        FakeDriver next = new FakeDriver("next") {
            @Override
            void onProbe(BoundDevice device) {
                atProbe.add(device.resources() == kept[0]);
                atProbe.add(device.resources().names());
            }
        };
        model.addDriver(next.info("fake", "x"), next);
        assertEquals(List.of(false, List.of()), atProbe, "the next binding starts with resources of its own, empty");
    }

    // ------------------------------------------------------------ deferred probe

    /** A driver that defers until its dependency is there. */
    private static final class Needy extends FakeDriver {
        volatile boolean dependencyPresent;

        Needy() {
            super("needy");
        }

        @Override
        void onProbe(BoundDevice device) {
            if (!dependencyPresent) {
                refused(device);
                throw new DriverModelException(Errno.EPROBE_DEFER, "needy", "waiting for the clock provider");
            }
        }
    }

    @Test
    void aDeferredProbeIsListedWithItsReasonAndRetriedAfterTheNextSuccessfulBind() {
        Needy needy = new Needy();
        model.addDriver(needy.info("fake", "n"), needy);
        Device dev = ctx.addDevice("d1", Map.of("id", "n"));
        assertEquals(DeviceState.UNBOUND, dev.state());
        Map<String, String> pending = model.deferredDevices();
        assertEquals(List.of("/devices/fake/d1"), List.copyOf(pending.keySet()));
        assertTrue(pending.get("/devices/fake/d1").contains("waiting for the clock provider"), pending.toString());

        needy.dependencyPresent = true;
        FakeDriver provider = new FakeDriver("clk");
        model.addDriver(provider.info("fake", "c"), provider);
        ctx.addDevice("clk0", Map.of("id", "c"));
        assertEquals(Optional.of("needy"), dev.driver(), "retried after clk0 bound");
        assertEquals(Map.of(), model.deferredDevices());
    }

    @Test
    void aDeferredDeviceIsGivenUpPastTheDeadline() {
        Needy needy = new Needy();
        model.addDriver(needy.info("fake", "n"), needy);
        ctx.addDevice("d1", Map.of("id", "n"));
        clock.addAndGet(Duration.ofSeconds(9).toNanos());
        assertEquals(1, model.deferredDevices().size());
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(Map.of(), model.deferredDevices());
        assertTrue(log.contains("warn", "/devices/fake/d1: deferred probe timeout"), log.lines.toString());
    }

    @Test
    void removingADeferredDeviceForgetsIt() {
        Needy needy = new Needy();
        model.addDriver(needy.info("fake", "n"), needy);
        ctx.addDevice("d1", Map.of("id", "n"));
        ctx.removeDevice("d1");
        assertEquals(Map.of(), model.deferredDevices());
    }

    // ------------------------------------------------------------ bind / unbind

    @Test
    void manualBindAndUnbindAnswerAsLinuxDoes() {
        FakeDriver a = new FakeDriver("a");
        FakeDriver b = new FakeDriver("b");
        Needy needy = new Needy();
        model.addDriver(a.info("fake", "x"), a);
        model.addDriver(b.info("fake", "x", "y"), b);
        model.addDriver(needy.info("fake", "n"), needy);
        Device dev = ctx.addDevice("d1", Map.of("id", "x"));
        assertEquals(Optional.of("a"), dev.driver());

        assertErrno(Errno.ENODEV, () -> model.unbind("fake", "b", "d1"));
        assertErrno(Errno.EBUSY, () -> model.bind("fake", "b", "d1"));
        model.unbind("fake", "a", "d1");
        assertEquals(DeviceState.UNBOUND, dev.state(), "a manual unbind leaves the device unbound");
        assertErrno(Errno.ENODEV, () -> model.unbind("fake", "a", "d1"));
        model.bind("fake", "b", "d1");
        assertEquals(Optional.of("b"), dev.driver());
        model.unbind("fake", "b", "d1");

        assertErrno(Errno.ENODEV, () -> model.bind("fake", "needy", "d1"));
        Device other = ctx.addDevice("d2", Map.of("id", "z"));
        assertEquals(DeviceState.UNBOUND, other.state());
        ctx.addDevice("d3", Map.of("id", "n"));
        assertErrno(Errno.ENODEV, () -> model.unbind("fake", "needy", "d3"));
        assertEquals(List.of("/devices/fake/d3"), List.copyOf(model.deferredDevices().keySet()));
        assertErrno(Errno.ENOENT, () -> model.bind("fake", "nosuch", "d1"));
        assertErrno(Errno.ENODEV, () -> model.bind("fake", "a", "nosuch"));   // bind_store's -ENODEV
        assertErrno(Errno.ENODEV, () -> model.unbind("fake", "a", "nosuch")); // unbind_store's
        assertErrno(Errno.ENOENT, () -> model.bind("nobus", "a", "d1"));
        assertEquals(DeviceState.UNBOUND, dev.state());
    }

    @Test
    void bindOfADeferringDeviceGivesEagain() {
        Needy needy = new Needy();
        model.setAutoprobe("fake", false);
        model.addDriver(needy.info("fake", "n"), needy);
        ctx.addDevice("d1", Map.of("id", "n"));
        assertErrno(Errno.EAGAIN, () -> model.bind("fake", "needy", "d1"));
        assertEquals(1, model.deferredDevices().size());
    }

    @Test
    void bindOfARefusingDriverReportsItsReason() {
        FakeDriver refusing = new FakeDriver("refusing") {
            @Override
            void onProbe(BoundDevice device) {
                refused(device);
                throw new DriverModelException(Errno.EIO, device.path(), "controller timeout");
            }
        };
        model.setAutoprobe("fake", false);
        model.addDriver(refusing.info("fake", "x"), refusing);
        ctx.addDevice("d1", Map.of("id", "x"));
        DriverModelException e = assertErrno(Errno.EIO, () -> model.bind("fake", "refusing", "d1"));
        assertTrue(e.getMessage().contains("controller timeout"), e.getMessage());
    }

    // ------------------------------------------------------------ driver_override

    @Test
    void driverOverrideChoosesTheDriverAndNoneChoosesNobody() {
        FakeDriver a = new FakeDriver("a");
        FakeDriver b = new FakeDriver("b");
        model.addDriver(a.info("fake", "x"), a);
        model.addDriver(b.info("fake"), b);
        Device dev = ctx.addDevice("d1", Map.of("id", "x"));
        model.setDriverOverride("fake/d1", "b\n");
        assertEquals(Optional.of("a"), dev.driver(), "setting the override does not unbind");
        assertEquals(Optional.of("b"), dev.driverOverride());
        model.unbind("fake", "a", "d1");
        assertErrno(Errno.ENODEV, () -> model.bind("fake", "a", "d1"));
        model.bind("fake", "b", "d1");
        assertEquals(Optional.of("b"), dev.driver(), "b matches nothing by id, but the override names it");
        model.unbind("fake", "b", "d1");

        model.setDriverOverride("fake/d1", "none");
        assertErrno(Errno.ENODEV, () -> model.bind("fake", "a", "d1"));
        assertErrno(Errno.ENODEV, () -> model.bind("fake", "b", "d1"));
        model.setDriverOverride("/devices/fake/d1", "");
        assertEquals(Optional.empty(), dev.driverOverride());
        model.bind("fake", "a", "d1");
    }

    @Test
    void aMalformedDriverOverrideIsRefusedAndChangesNothing() {
        ctx.addDevice("d1", Map.of());
        model.setDriverOverride("fake/d1", "keep");
        List<String> before = state();
        for (String bad : new String[] {"a/b", "a\tb", "a\nb\n", "..", "x".repeat(256)}) {
            DriverModelException e = assertThrows(DriverModelException.class,
                    () -> model.setDriverOverride("fake/d1", bad));
            assertTrue(e.errno() == Errno.EINVAL || e.errno() == Errno.ENAMETOOLONG, e.getMessage());
        }
        assertErrno(Errno.ENOENT, () -> model.setDriverOverride("fake/none", "a"));
        assertEquals(before, state());
    }

    // ------------------------------------------------------------ drivers_autoprobe

    @Test
    void withAutoprobeOffNothingBindsByItselfButManualBindWorks() {
        FakeDriver a = new FakeDriver("a");
        model.setAutoprobe("fake", false);
        assertEquals(false, model.autoprobe("fake"));
        Device dev = ctx.addDevice("d1", Map.of("id", "x"));
        model.addDriver(a.info("fake", "x"), a);
        assertEquals(DeviceState.UNBOUND, dev.state());
        model.setAutoprobe("fake", true);
        assertEquals(DeviceState.UNBOUND, dev.state(), "turning it on probes nothing by itself");
        model.bind("fake", "a", "d1");
        assertEquals(Optional.of("a"), dev.driver());
        assertErrno(Errno.ENOENT, () -> model.autoprobe("nobus"));
        assertErrno(Errno.ENOENT, () -> model.setAutoprobe("nobus", true));
    }

    // ------------------------------------------------------------ debug mode

    @Test
    void testDriverRemoveProbesRemovesAndProbesAgainReleasingTheFirstBindingsResources() {
        List<String> events = new ArrayList<>();
        FakeDriver d = new FakeDriver("d") {
            @Override
            void onProbe(BoundDevice device) {
                device.setDriverData("state");
                device.resources().add("res", () -> events.add("release"));
            }
        };
        model.configure(new CoreSettings(Duration.ofSeconds(10), true, Duration.ofSeconds(5), Duration.ofSeconds(5), RefTracking.OFF));
        model.addDriver(d.info("fake", "x"), d);
        Device dev = ctx.addDevice("d1", Map.of("id", "x"));
        assertEquals(List.of("probe d1", "remove d1", "probe d1"), d.calls);
        assertEquals(List.of("release"), events);
        assertEquals("state", d.handles.get("d1").driverData(String.class));
        assertEquals(0, d.violations.get());
        model.configure(CoreSettings.DEFAULTS);
        ctx.removeDevice("d1");
        assertEquals(List.of("release", "release"), events);
    }

    @Test
    void driverDataIsTheBindingsAndGoesWithIt() {
        FakeDriver d = new FakeDriver("d") {
            @Override
            void onProbe(BoundDevice device) {
                device.setDriverData(42);
            }
        };
        DriverEntry e = model.addDriver(d.info("fake", "x"), d);
        ctx.addDevice("d1", Map.of("id", "x"));
        BoundDevice dev = d.handles.get("d1");
        assertEquals(42, dev.driverData(Integer.class));
        assertErrno(Errno.EINVAL, () -> dev.driverData(String.class));
        model.removeDriver(e);
        assertErrno(Errno.ENODEV, () -> dev.driverData(Integer.class));
        assertErrno(Errno.ENODEV, () -> dev.setDriverData("late"));
    }

    // ------------------------------------------------------------ uevents

    @Test
    void ueventsTellAddBindUnbindRemoveInTheOrderTheyHappened() {
        FakeDriver a = new FakeDriver("a");
        DriverEntry e = model.addDriver(a.info("fake", "x"), a);
        ctx.addDevice("d1", Map.of("id", "x"));
        model.removeDriver(e);
        ctx.removeDevice("d1");
        assertEquals(List.of("ADD d1", "BIND d1 a", "UNBIND d1 a", "REMOVE d1"), uevents);
    }

    // ------------------------------------------------------------ order

    @Test
    void childrenAreRemovedBeforeTheirParentDepthFirst() {
        List<String> removed = new ArrayList<>();
        FakeDriver d = new FakeDriver("d") {
            @Override
            public void remove(BoundDevice device) {
                super.remove(device);
                removed.add(device.path());
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        Device hub = ctx.addDevice("hub", Map.of("id", "x"));
        Device port1 = ctx.addDevice("port1", Map.of("id", "x"), hub);
        ctx.addDevice("port2", Map.of("id", "x"), hub);
        ctx.addDevice("kbd", Map.of("id", "x"), port1);
        assertEquals("/devices/fake/hub/port1/kbd", model.device("fake/kbd").path());
        ctx.removeDevice("hub");
        assertEquals(List.of("/devices/fake/hub/port2", "/devices/fake/hub/port1/kbd", "/devices/fake/hub/port1",
                "/devices/fake/hub"), removed);
        assertEquals(List.of(), model.devices());
        assertErrno(Errno.ENODEV, () -> ctx.addDevice("late", Map.of(), hub));
        assertEquals(List.of(), model.devices(), "nothing was added under a removed parent");
    }
}
