package org.drivermodel.itest;

import static org.drivermodel.itest.Errors.assertErrno;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandSession;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.Driver;
import org.drivermodel.api.Uevent;
import org.drivermodel.error.Errno;
import org.drivermodel.vbus.VirtualBus;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The walking skeleton in a real framework: plug then bound, unplug then removed, driver
 * bundle stop then unbound, start then rebound, and bad input refused with nothing changed.
 *
 * <p>Every binding change the core makes is synchronous with the call that caused it (plug,
 * unplug, service unregistration, bundle stop), so each assertion is made right after that
 * call returns: no waiting, no polling.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SkeletonIT extends VirtualBusTestBase {
    private static final String VLED_BSN = "org.drivermodel.driver-vled";

    @After
    public void unplugEverything() throws Exception {
        unplugAll();
        Bundles.startIfStopped(bundle(VLED_BSN));
    }

    @Test
    public void runsOnTheFrameworkOfThisExecution() {
        String expected = switch (String.valueOf(System.getProperty("dm.framework"))) {
            case "felix" -> "org.apache.felix.framework";
            case "equinox" -> "org.eclipse.osgi";
            default -> throw new AssertionError("dm.framework is " + System.getProperty("dm.framework"));
        };
        assertEquals(expected, context.getBundle(0).getSymbolicName());
    }

    @Test
    public void everyProjectBundleIsActive() {
        for (String bsn : List.of("org.drivermodel.api", "org.drivermodel.lifetime", "org.drivermodel.core", "org.drivermodel.bus-virtual",
                VLED_BSN, "org.drivermodel.bus-platform", "org.drivermodel.driver-sensor", "org.drivermodel.block",
                "org.drivermodel.driver-ramdisk", "org.drivermodel.shell")) {
            assertEquals(bsn, Bundle.ACTIVE, bundle(bsn).getState());
        }
        assertEquals(List.of("platform", "vbus"), core.buses());
    }

    @Test
    public void plugThenBound() {
        String name = vbus.plug("1209:0001");
        Device device = core.device("vbus/" + name);
        assertEquals("/devices/vbus/" + name, device.path());
        assertEquals(DeviceState.BOUND, device.state());
        assertEquals(Optional.of("vled"), device.driver());
        assertEquals("1209", device.property(VirtualBus.VENDOR));
        assertEquals("0001", device.property(VirtualBus.PRODUCT));
        assertEquals(List.of(device), core.boundDevices("vbus", "vled"));
    }

    @Test
    public void deviceWithoutDriverStaysUnbound() {
        String name = vbus.plug("1209:0bad");
        Device device = core.device("/devices/vbus/" + name);
        assertEquals(DeviceState.UNBOUND, device.state());
        assertEquals(Optional.empty(), device.driver());
    }

    @Test
    public void unplugThenRemoved() {
        String name = vbus.plug("1209:0001");
        Device device = core.device("vbus/" + name);
        vbus.unplug(name);
        assertEquals(DeviceState.REMOVED, device.state());
        assertEquals(Optional.empty(), device.driver());
        assertErrno(Errno.ENOENT, () -> core.device("vbus/" + name));
        assertTrue(core.boundDevices("vbus", "vled").isEmpty());
    }

    @Test
    public void driverBundleStopUnbindsThenStartRebinds() throws Exception {
        String name = vbus.plug("1209:0001");
        Device device = core.device("vbus/" + name);
        Bundle vled = bundle(VLED_BSN);

        vled.stop();
        assertEquals("unbound when stop returns", DeviceState.UNBOUND, device.state());
        assertEquals(Optional.empty(), device.driver());
        assertFalse(core.drivers().stream().anyMatch(d -> d.name().equals("vled")));

        vled.start();
        assertEquals("bound again when start returns", DeviceState.BOUND, device.state());
        assertEquals(Optional.of("vled"), device.driver());
    }

    @Test
    public void removeRunsBeforeUnregistrationAndUnplugReturn() {
        RecordingDriver recorder = new RecordingDriver(false);
        ServiceRegistration<Driver> reg = RecordingDriver.register(context, recorder, "recorder", "1209:00fe");
        String name = vbus.plug("1209:00fe");
        assertEquals(List.of("probe " + name), recorder.calls());
        assertEquals(Optional.of("recorder"), core.device("vbus/" + name).driver());

        reg.unregister();
        assertEquals(List.of("probe " + name, "remove " + name), recorder.calls());
        assertEquals(DeviceState.UNBOUND, core.device("vbus/" + name).state());

        reg = RecordingDriver.register(context, recorder, "recorder", "1209:00fe");
        assertEquals("a returning driver binds the waiting device",
                List.of("probe " + name, "remove " + name, "probe " + name), recorder.calls());
        vbus.unplug(name);
        assertEquals(List.of("probe " + name, "remove " + name, "probe " + name, "remove " + name), recorder.calls());
        reg.unregister();
        assertEquals("no call after the device is gone", 4, recorder.calls().size());
    }

    @Test
    public void refusedProbeFallsThroughToTheNextMatchingDriver() {
        RecordingDriver refusing = new RecordingDriver(true);
        RecordingDriver accepting = new RecordingDriver(false);
        ServiceRegistration<Driver> first = RecordingDriver.register(context, refusing, "refusing", "1209:00fd");
        ServiceRegistration<Driver> second = RecordingDriver.register(context, accepting, "accepting", "1209:*");
        try {
            String name = vbus.plug("1209:00fd");
            assertEquals(List.of("probe " + name), refusing.calls());
            assertEquals(List.of("probe " + name), accepting.calls());
            assertEquals(Optional.of("accepting"), core.device("vbus/" + name).driver());
        } finally {
            first.unregister();
            second.unregister();
        }
        assertEquals("a refused probe is never followed by remove", 1, refusing.calls().size());
    }

    @Test
    public void malformedIdIsRefusedAndChangesNothing() {
        vbus.plug("1209:0001");
        List<String> before = snapshot();
        for (String bad : new String[] {"zz", "", "1209", "1209:", ":0001", "12345:0001", "1209:00001", "1209:00g1",
                "1209-0001", " 1209:0001", "1209:0001 ", "1209:0001\n", "１２０９:０００１", null}) {
            assertErrno(Errno.EINVAL, () -> vbus.plug(bad));
        }
        assertEquals(before, snapshot());
    }

    @Test
    public void unplugOfUnknownDeviceIsRefusedAndChangesNothing() {
        String name = vbus.plug("1209:0001");
        List<String> before = snapshot();
        for (String bad : new String[] {"1209:0001.999", name + "x", "", "../" + name, null}) {
            assertErrno(Errno.ENOENT, () -> vbus.unplug(bad));
        }
        assertEquals(before, snapshot());
    }

    @Test
    public void lookupOfMalformedPathIsRefused() {
        assertErrno(Errno.EINVAL, () -> core.device(""));
        assertErrno(Errno.EINVAL, () -> core.device("/devices//vbus/x"));
        assertErrno(Errno.EINVAL, () -> core.device("/devices/vbus/x/"));
        assertErrno(Errno.EINVAL, () -> core.device("/devices/vbus/../x"));
        assertErrno(Errno.ENOENT, () -> core.device("/devices/vbus/none"));
        assertErrno(Errno.ENOENT, () -> core.device("/proc/self"));
        assertErrno(Errno.ENAMETOOLONG, () -> core.device("/devices/vbus/" + "x".repeat(5000)));
    }

    @Test
    public void shellPlugsUnplugsAndReportsErrorsWithTheirCode() throws Exception {
        CommandSession session = session();
        String plugged = String.valueOf(session.execute("vbus:plug 1209:0001"));
        Matcher m = Pattern.compile("plugged (1209:0001\\.\\d+): bound to vled").matcher(plugged);
        assertTrue(plugged, m.matches());
        String name = m.group(1);
        String list = String.valueOf(session.execute("device:list"));
        assertTrue(list, list.matches("(?s)DEVICE\\s+BUS\\s+STATE\\s+DRIVER\n" + Pattern.quote(name)
                + "\\s+vbus\\s+bound\\s+vled\n"));
        List<String> before = snapshot();
        assertErrno(Errno.EINVAL, () -> session.execute("vbus:plug 12:34"));
        assertErrno(Errno.ENOENT, () -> session.execute("vbus:unplug 1209:0001.999"));
        assertErrno(Errno.ENOENT, () -> session.execute("device:info vbus/none"));
        assertErrno(Errno.EINVAL, () -> session.execute("device:info /devices/vbus/../x"));
        assertErrno(Errno.ENOENT, () -> session.execute("driver:stop nosuchdriver"));
        assertErrno(Errno.ENOENT, () -> session.execute("driver:start no.such.bundle"));
        assertEquals(before, snapshot());
        assertEquals("unplugged " + name, session.execute("vbus:unplug " + name));
    }

    @Test
    public void ueventsArePostedInOrderForAddBindUnbindRemove() throws Exception {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add,
                new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, Uevent.TOPIC_PREFIX + "*")));
        try {
            String name = vbus.plug("1209:0001");
            vbus.unplug(name);
            String dev = "/devices/vbus/" + name;
            // this device's uevents only: the framework is shared by the class's tests, and the
            // uevents of an earlier test's devices (its tear-down unplugs them) are posted
            // asynchronously, so they may still reach this handler
            List<String> seen = new ArrayList<>();
            List<String> others = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Waits.DEADLINE_SECONDS);
            while (seen.size() < 4) {
                Event e = events.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new AssertionError("uevents of " + dev + " within " + Waits.DEADLINE_SECONDS + " s: " + seen
                            + "; of other devices: " + others);
                }
                String uevent = e.getTopic() + " " + e.getProperty(Uevent.DEVPATH) + " " + e.getProperty(Uevent.DRIVER) + " "
                        + e.getProperty(Uevent.PROPERTY_PREFIX + "vendor");
                (dev.equals(e.getProperty(Uevent.DEVPATH)) ? seen : others).add(uevent);
            }
            assertEquals(List.of(
                    "org/drivermodel/uevent/ADD " + dev + " null 1209",
                    "org/drivermodel/uevent/BIND " + dev + " vled 1209",
                    "org/drivermodel/uevent/UNBIND " + dev + " vled 1209",
                    "org/drivermodel/uevent/REMOVE " + dev + " null 1209"), seen);
        } finally {
            handler.unregister();
        }
    }

    private List<String> snapshot() {
        List<String> s = new ArrayList<>();
        core.devices().forEach(d -> s.add(d.path() + " " + d.state() + " " + d.driver().orElse("-")));
        s.add("plugged " + vbus.plugged().keySet());
        s.add("drivers " + core.drivers());
        return s;
    }
}
