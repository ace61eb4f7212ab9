package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceClass;
import org.drivermodel.api.DeviceState;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Device classes: /class/&lt;class&gt;/&lt;dev&gt;, class attributes, bind-scoped class devices. */
@Timeout(30)
class DeviceClassTest {
    private final TestLog log = new TestLog();
    private final List<String> uevents = new CopyOnWriteArrayList<>();
    private final DeviceModel model = new DeviceModel(log.logger, CoreSettings.DEFAULTS, System::nanoTime,
            (action, device, driver) -> uevents.add(action + " " + device.path()));
    private final BusHandle bus = model.attachBus(new FakeBus("fake"), 1);
    private final DeviceClass leds = model.registerClass("leds",
            List.of(AttributeGroup.of(Attribute.<Device>ro("type", d -> "led " + d.name() + "\n"))));

    @AfterEach
    void closeModel() {
        ModelTeardown.close(model);
    }


    private String read(String path) {
        try (AttributeFile f = model.open(path)) {
            return f.read();
        }
    }

    /** A driver that registers a class device for each device it binds, and nothing in remove. */
    private final class LedDriver extends FakeDriver {
        LedDriver() {
            super("ledctl");
        }

        @Override
        void onProbe(BoundDevice device) {
            leds.addDevice("led-" + device.name(), Map.of("color", "green"), device);
        }
    }

    @Test
    void aClassDeviceSitsUnderItsParentAndIsLinkedFromItsClass() {
        model.addDriver(new LedDriver().info("fake", "x"), new LedDriver());
        Device parent = bus.addDevice("d1", Map.of("id", "x"));
        Device led = model.device("/class/leds/led-d1");
        assertEquals("/devices/fake/d1/led-d1", led.path());
        assertEquals(Optional.of("leds"), led.deviceClass());
        assertEquals("", led.bus());
        assertEquals(Optional.of(parent), led.parent());
        assertEquals(led, model.device("/devices/fake/d1/led-d1"));
        assertErrno(Errno.ENOENT, () -> model.device("/devices/fake/d1/led-d2"));
        assertErrno(Errno.ENOENT, () -> model.device("/devices/fake/led-d1")); // a child is found only under its parent
        assertEquals(List.of("leds"), model.classes());
        assertEquals(List.of("led-d1"), model.list("/class/leds"));
        assertEquals("led led-d1\n", read("/class/leds/led-d1/type"));
        assertTrue(model.list("/devices/fake/d1").contains("led-d1"));
        assertEquals(DeviceState.UNBOUND, led.state(), "no driver binds a class device");
    }

    @Test
    void aClassDeviceOfABindingGoesWithItsUnbindAndBeforeItsParent() {
        LedDriver driver = new LedDriver();
        DriverEntry entry = model.addDriver(driver.info("fake", "x"), driver);
        bus.addDevice("d1", Map.of("id", "x"));
        Device led = model.device("/class/leds/led-d1");
        model.removeDriver(entry);
        assertEquals(DeviceState.REMOVED, led.state(), "removed with the binding it belonged to");
        assertEquals(List.of(), model.list("/class/leds"));

        model.addDriver(new LedDriver().info("fake", "x"), new LedDriver());
        bus.removeDevice("d1");
        int child = uevents.indexOf("REMOVE /devices/fake/d1/led-d1");
        int parent = uevents.indexOf("REMOVE /devices/fake/d1");
        assertTrue(child >= 0 && child < parent, uevents.toString());
        assertFalse(log.contains("error", "release"), "the binding's release found it already gone, quietly: "
                + log.lines);
    }

    @Test
    void aParentlessClassDeviceLivesUnderDevicesVirtual() {
        Device led = leds.addDevice("led0", Map.of(), null);
        assertEquals("/devices/virtual/leds/led0", led.path());
        assertEquals(led, model.device("/devices/virtual/leds/led0"));
        assertErrno(Errno.ENOENT, () -> model.device("/devices/virtual/leds"));
        assertErrno(Errno.ENOENT, () -> model.device("/devices/virtual/other/led0"));
        assertErrno(Errno.ENOENT, () -> model.device("/devices/virtual/leds/led0/x"));
        leds.removeDevice("led0");
        assertErrno(Errno.ENOENT, () -> model.device("/devices/virtual/leds/led0"));
        assertEquals(DeviceState.REMOVED, led.state());
        assertErrno(Errno.ENOENT, () -> leds.removeDevice("led0"));
        assertErrno(Errno.ENOENT, () -> leds.removeDevice(null));
    }

    @Test
    void closingAClassRemovesItsDevicesAndBadRequestsChangeNothing() {
        leds.addDevice("a", Map.of(), null);
        leds.addDevice("b", Map.of(), null);
        assertErrno(Errno.EEXIST, () -> leds.addDevice("a", Map.of(), null));
        assertErrno(Errno.EEXIST, () -> model.registerClass("leds", List.of()));
        assertErrno(Errno.EINVAL, () -> model.registerClass("Bad/Name", List.of()));
        assertEquals(2, model.devices().size());
        leds.close();
        assertEquals(List.of("REMOVE /devices/virtual/leds/b", "REMOVE /devices/virtual/leds/a"),
                uevents.stream().filter(u -> u.startsWith("REMOVE")).toList());
        assertEquals(List.of(), model.classes());
        assertErrno(Errno.ENOENT, () -> model.list("/class/leds"));
        assertErrno(Errno.ENODEV, () -> leds.addDevice("c", Map.of(), null));
        leds.close();
        assertEquals(List.of(), model.devices());
    }
}
