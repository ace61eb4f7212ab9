package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.drivermodel.api.AccessMode;
import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.FileStat;
import org.drivermodel.api.Uevent;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testing.Bounded;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The device model's files that behave as sysfs's (issue #20): a device's {@code uevent} file,
 * read and written; a driver's change notification; the one-page warning; open with an access
 * mode and stat through the model. (The tree's own semantics: {@code SysfsSemanticsTest};
 * ENODEV for bind/unbind of a missing device: {@code BindingSemanticsTest},
 * {@code DeviceAttributesTest}.)
 */
@Timeout(60)
class SysfsFilesTest {
    /** Every event the model emits, with the properties UeventQueue would post. */
    private final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
    private final TestLog log = new TestLog();
    private final DeviceModel model = new DeviceModel(log.logger, CoreSettings.DEFAULTS, System::nanoTime, new UeventSink() {
        @Override
        public void emit(Uevent action, Device device, String driver) {
            events.add(UeventQueue.properties(action, device, driver));
        }

        @Override
        public void emitSynthetic(Uevent action, Device device, String driver, Map<String, String> synth) {
            Map<String, Object> p = UeventQueue.properties(action, device, driver);
            p.putAll(synth);
            events.add(p);
        }
    });

    /** A bus with identity variables, as a Linux bus's uevent callback. */
    private final FakeBus bus = new FakeBus("fake") {
        @Override
        public Map<String, String> uevent(Device device) {
            Map<String, String> vars = new LinkedHashMap<>();
            vars.put("FAKE_ID", device.property("id"));
            vars.put("MODALIAS", "fake:" + device.property("id"));
            return vars;
        }
    };
    private BusHandle ctx;

    @AfterEach
    void close() {
        ModelTeardown.close(model);
    }

    /** A driver with a "level" file it announces changes of, and a "huge" one. */
    static class Announcer extends FakeDriver {
        Announcer(String name) {
            super(name);
        }

        @Override
        public List<AttributeGroup<BoundDevice>> deviceAttributes() {
            return List.of(AttributeGroup.of(
                    Attribute.<BoundDevice>rw("level", d -> "5\n", (d, v, c) -> d.notifyChange("level")),
                    Attribute.<BoundDevice>ro("chatty", d -> {
                        d.notifyChange("chatty"); // inside its own show
                        return "c\n";
                    }),
                    Attribute.<BoundDevice>ro("huge", d -> "z".repeat(5000))),
                    AttributeGroup.named("power", Attribute.<BoundDevice>ro("state", d -> "on\n")));
        }
    }

    private Device plug(String name, String id) {
        if (ctx == null) {
            ctx = model.attachBus(bus, 1);
        }
        return ctx.addDevice(name, Map.of("id", id));
    }

    private Announcer driver() {
        Announcer d = new Announcer("ann");
        model.addDriver(d.info("fake", "x"), d);
        return d;
    }

    private String read(String path) {
        try (AttributeFile f = model.open(path, AccessMode.READ)) {
            return f.read();
        }
    }

    private void write(String path, String value) {
        try (AttributeFile f = model.open(path, AccessMode.WRITE)) {
            f.write(value);
        }
    }

    // ---- the uevent file ------------------------------------------------------------------------

    @Test
    void theUeventFileShowsTheDriverAndTheBussIdentityVariables() {
        driver();
        Device bound = plug("d1", "x");
        Device unbound = plug("d2", "y");
        assertEquals("DRIVER=ann\nFAKE_ID=x\nMODALIAS=fake:x\n", read(bound.path() + "/uevent"));
        assertEquals("FAKE_ID=y\nMODALIAS=fake:y\n", read("/bus/fake/devices/d2/uevent"), "no DRIVER= while unbound");
        assertEquals(new FileStat(unbound.path() + "/uevent", FileStat.Type.FILE, 0644, 4096), model.stat(unbound.path() + "/uevent"));
        model.unbind("fake", "ann", "d1");
        assertEquals("FAKE_ID=x\nMODALIAS=fake:x\n", read(bound.path() + "/uevent"), "made at each read");
    }

    @Test
    void writingAnActionPostsThatUeventMarkedSyntheticWithTheSamePropertiesAsARealOne() {
        Device dev = plug("d1", "q"); // no driver matches: unbound
        Map<String, Object> realAdd = events.get(0);
        assertEquals(Uevent.ADD.topic(), realAdd.get("topic"));
        events.clear();

        write(dev.path() + "/uevent", "add\n");
        Map<String, Object> synthetic = new HashMap<>(events.get(0));
        assertEquals("0", synthetic.remove(Uevent.SYNTH_UUID), "no UUID written: SYNTH_UUID=0, as Linux");
        assertEquals(realAdd, synthetic, "the same properties as the real ADD");

        events.clear();
        write(dev.path() + "/uevent", "remove 12345678-1234-1234-1234-123456789abc A=1 b_2=x");
        Map<String, Object> remove = events.get(0);
        assertEquals(Uevent.REMOVE.topic(), remove.get("topic"));
        assertEquals("12345678-1234-1234-1234-123456789abc", remove.get(Uevent.SYNTH_UUID));
        assertEquals("1", remove.get(Uevent.SYNTH_ARG_PREFIX + "A"));
        assertEquals("x", remove.get(Uevent.SYNTH_ARG_PREFIX + "b_2"));
        assertEquals(DeviceState.UNBOUND, dev.state(), "writing remove only announces: the device stays");
        assertEquals(List.of("d1"), model.list("/bus/fake/devices"));
    }

    @Test
    void aSyntheticUeventOfABoundDeviceCarriesItsDriverAsTheRealBindDid() {
        driver();
        Device dev = plug("d1", "x");
        Map<String, Object> realBind = events.stream().filter(e -> Uevent.BIND.topic().equals(e.get("topic"))).findFirst().orElseThrow();
        events.clear();
        write(dev.path() + "/uevent", "bind");
        Map<String, Object> synthetic = new HashMap<>(events.get(0));
        assertEquals("0", synthetic.remove(Uevent.SYNTH_UUID));
        assertEquals(realBind, synthetic);
        assertEquals("ann", synthetic.get(Uevent.DRIVER));
    }

    @Test
    void anUnknownActionOrAMalformedArgumentIsEinvalNamingTheFileAndPostsNothing() {
        Device dev = plug("d1", "q");
        events.clear();
        String file = dev.path() + "/uevent";
        DriverModelException e = assertErrno(Errno.EINVAL, () -> write(file, "explode\n"));
        assertEquals("EINVAL: /devices/fake/d1/uevent: unknown action 'explode': add, remove, bind, unbind or change", e.getMessage());
        assertErrno(Errno.EINVAL, () -> write(file, ""));
        assertErrno(Errno.EINVAL, () -> write(file, "ADD"));                 // Linux's names are lower case
        assertErrno(Errno.EINVAL, () -> write(file, "move"));                // not an action of this model
        e = assertErrno(Errno.EINVAL, () -> write(file, "add not-a-uuid"));
        assertTrue(e.getMessage().startsWith("EINVAL: /devices/fake/d1/uevent: 'not-a-uuid' is not a UUID"), e.getMessage());
        assertErrno(Errno.EINVAL, () -> write(file, "add 12345678-1234-1234-1234-123456789abc =1"));
        assertErrno(Errno.EINVAL, () -> write(file, "add 12345678-1234-1234-1234-123456789abc A-B=1"));
        assertEquals(List.of(), events, "nothing posted");
        assertEquals(DeviceState.UNBOUND, dev.state());
    }

    @Test
    void aBusWhoseUeventThrowsGivesEioToTheReaderAndTheModelGoesOn() {
        FakeBus hostile = new FakeBus("hostile") {
            @Override
            public Map<String, String> uevent(Device device) {
                throw new IllegalStateException("no identity");
            }
        };
        BusHandle h = model.attachBus(hostile, 2);
        Device dev = h.addDevice("d1", Map.of());
        assertErrno(Errno.EIO, () -> read(dev.path() + "/uevent"));
        FakeBus malformed = new FakeBus("malformed") {
            @Override
            public Map<String, String> uevent(Device device) {
                return Map.of("BAD\nKEY", "v");
            }
        };
        Device other = model.attachBus(malformed, 3).addDevice("d1", Map.of());
        DriverModelException e = assertErrno(Errno.EIO, () -> read(other.path() + "/uevent"));
        assertTrue(e.getMessage().startsWith("EIO: /devices/malformed/d1/uevent: bus malformed gave a malformed uevent variable"),
                e.getMessage());
        write(dev.path() + "/uevent", "change"); // writing needs no bus code
        assertEquals(Uevent.CHANGE.topic(), events.get(events.size() - 1).get("topic"));
    }

    @Test
    void theUeventFileIsOneSharedAttributeNotOnePerDevice() {
        plug("d1", "q");
        plug("d2", "r");
        // the one core group holds driver_override and uevent for every device: nothing per device but the tree node
        assertEquals(List.of("driver_override", "uevent"), model.list("/devices/fake/d1"));
        assertEquals(List.of("driver_override", "uevent"), model.list("/devices/fake/d2"));
    }

    // ---- change notification from a driver -----------------------------------------------------

    @Test
    void aDriversNotificationWakesAWaiterOnItsFile() {
        Announcer d = driver();
        Device dev = plug("d1", "x");
        BoundDevice binding = d.handles.get("d1");
        try (AttributeFile level = model.open(dev.path() + "/level", AccessMode.READ);
                AttributeFile state = model.open(dev.path() + "/power/state")) {
            level.read();
            Bounded.Worker<Boolean> waiter = Bounded.Worker.start("waiter", () -> level.awaitChange(Duration.ofSeconds(Bounded.SECONDS)));
            Bounded.until(() -> waiter.getState() == Thread.State.TIMED_WAITING, "the waiter blocks");
            binding.notifyChange("level");
            assertTrue(waiter.finish());
            binding.notifyChange("power/state"); // a named group's file
            assertTrue(state.awaitChange(Duration.ZERO));
            try (AttributeFile rw = model.open(dev.path() + "/level", AccessMode.WRITE)) {
                level.read();
                rw.write("1"); // the store notifies from inside itself
                assertTrue(level.awaitChange(Duration.ZERO));
            }
        }
    }

    @Test
    void aNotificationFromInsideItsOwnShowDoesNotDeadlock() {
        driver();
        Device dev = plug("d1", "x");
        try (AttributeFile f = model.open(dev.path() + "/chatty")) {
            assertEquals("c\n", f.read());
            assertTrue(f.awaitChange(Duration.ZERO));
        }
    }

    @Test
    void aNotificationAfterTheBindingEndedIsHarmlessEnodev() {
        Announcer d = driver();
        Device dev = plug("d1", "x");
        BoundDevice old = d.handles.get("d1");
        model.unbind("fake", "ann", "d1");
        model.bind("fake", "ann", "d1");
        try (AttributeFile f = model.open(dev.path() + "/level")) {
            f.read();
            DriverModelException e = assertErrno(Errno.ENODEV, () -> old.notifyChange("level"));
            assertTrue(e.getMessage().startsWith("ENODEV: /devices/fake/d1: notify level: binding 1"), e.getMessage());
            assertFalse(f.awaitChange(Duration.ZERO), "the next binding's readers were not woken");
        }
    }

    @Test
    void badNotificationsAreRefusedNamingTheFile() {
        Announcer d = driver();
        plug("d1", "x");
        BoundDevice b = d.handles.get("d1");
        DriverModelException e = assertErrno(Errno.ENOENT, () -> b.notifyChange("nosuch"));
        assertTrue(e.getMessage().contains("/devices/fake/d1/nosuch"), e.getMessage());
        e = assertErrno(Errno.EINVAL, () -> b.notifyChange("power"));
        assertEquals("EINVAL: /devices/fake/d1/power: is a directory", e.getMessage());
        e = assertErrno(Errno.EINVAL, () -> b.notifyChange("/devices/fake/d1/level"));
        assertTrue(e.getMessage().contains("not a file name relative to the device's directory"), e.getMessage());
        assertErrno(Errno.EINVAL, () -> b.notifyChange(""));
        assertErrno(Errno.EINVAL, () -> b.notifyChange(null));
        assertErrno(Errno.EINVAL, () -> b.notifyChange("../d2/level"));
    }

    // ---- one page, warned once per binding and file --------------------------------------------

    @Test
    void aShowOverAPageIsCutAndWarnedOnceNamingFileDriverAndBundle() {
        driver();
        Device dev = plug("d1", "x");
        try (AttributeFile f = model.open(dev.path() + "/huge")) {
            assertEquals(4096, f.read().length());
            f.seek(0);
            assertEquals(4096, f.read(10_000).length());
            assertEquals(4096, f.read().length());
        }
        List<String> warnings = log.lines.stream().filter(l -> l.contains("more than a page")).toList();
        assertEquals(1, warnings.size(), log.lines.toString());
        String w = warnings.get(0);
        assertTrue(w.startsWith("warn ") && w.contains(dev.path() + "/huge") && w.contains("fake/ann") && w.contains("bundle 7")
                && w.contains("5000"), w);
    }

    // ---- access at open through the model -------------------------------------------------------

    @Test
    void theModelOpensWithAnAccessModeAndRefusesANullOne() {
        driver();
        Device dev = plug("d1", "x");
        assertErrno(Errno.EACCES, () -> model.open(dev.path() + "/huge", AccessMode.WRITE));
        assertErrno(Errno.EACCES, () -> model.open("/bus/fake/drivers/ann/bind", AccessMode.READ));
        DriverModelException e = assertErrno(Errno.EINVAL, () -> model.open(dev.path() + "/huge", null));
        assertTrue(e.getMessage().contains("null access mode"), e.getMessage());
        try (var d = model.openDirectory("/bus/fake/devices/d1")) {
            assertEquals(dev.path(), d.path());
            assertTrue(d.list().contains("uevent"));
        }
    }

    // ---- the queue posts synthetic events as real ones -----------------------------------------

    @Test
    void theUeventQueuePostsASyntheticEventWithTheRealOnesPropertiesAndTheMark() throws InterruptedException {
        BlockingQueue<Event> posted = new LinkedBlockingQueue<>();
        EventAdmin admin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                posted.add(event);
            }
        };
        Device dev = plug("d1", "q");
        try (UeventQueue queue = new UeventQueue(() -> admin, log.logger)) {
            queue.emit(Uevent.CHANGE, dev, null);
            queue.emitSynthetic(Uevent.CHANGE, dev, null, Map.of(Uevent.SYNTH_UUID, "0"));
            Event real = posted.poll(Bounded.SECONDS, TimeUnit.SECONDS);
            Event synthetic = posted.poll(Bounded.SECONDS, TimeUnit.SECONDS);
            assertNotNull(real);
            assertNotNull(synthetic);
            assertEquals(real.getTopic(), synthetic.getTopic());
            for (String name : real.getPropertyNames()) {
                assertEquals(real.getProperty(name), synthetic.getProperty(name), name);
            }
            assertEquals(null, real.getProperty(Uevent.SYNTH_UUID));
            assertEquals("0", synthetic.getProperty(Uevent.SYNTH_UUID));
            assertEquals("q", synthetic.getProperty(Uevent.PROPERTY_PREFIX + "id"));
        }
    }
}
