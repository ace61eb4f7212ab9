package org.drivermodel.core.impl;

import java.util.List;
import java.util.Map;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.Bus;
import org.drivermodel.api.BusContext;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverInfo;

/**
 * The driver core side of the hotplug benchmark and the footprint measurement: a model, a bus
 * whose devices carry vbus's two identity properties and attributes, and one driver matching
 * every device whose probe and remove only count. One thread uses an instance.
 */
final class CoreHotplug implements HotplugSide {
    private final DeviceModel model = new DeviceModel(NopLogger.INSTANCE);
    private final BenchBus bus = new BenchBus();
    private final BusHandle ctx = model.attachBus(bus, 1);
    private final BenchDriver driver = new BenchDriver();

    CoreHotplug() {
        model.addDriver(new DriverInfo("benchdrv", bus.name(), 2, Map.of()), driver);
    }

    @Override
    public int plug(String[] names, Map<String, String> properties) {
        for (String n : names) {
            ctx.addDevice(n, properties);
        }
        return driver.probed;
    }

    @Override
    public int unplug(String[] names) {
        for (String n : names) {
            ctx.removeDevice(n);
        }
        return driver.removed;
    }

    /**
     * Checks that the work counted was done (so no shot measured a failure), then stops the model
     * as the core's bundle stops: the bus is detached, every device still plugged removed (its
     * driver's remove called), and the model closed. Dropping a model that still held 100k
     * devices left them linked to one another across the young and the old generation: the next
     * shot's young collections copied the dead model's young part as well (nepotism), up to
     * twice the bytes of the devices it plugged. Felix's side stops its framework likewise.
     */
    @Override
    public void verifyAndClose(int devices) {
        if (driver.probed != devices) {
            throw new IllegalStateException("probed " + driver.probed + " of " + devices);
        }
        if (driver.removed != 0 && driver.removed != devices) {
            throw new IllegalStateException("removed " + driver.removed + " of " + devices);
        }
        model.detachBus(ctx);
        if (driver.removed != devices) {
            throw new IllegalStateException("removed " + driver.removed + " of " + devices + " at the bus's detach");
        }
        model.close();
    }

    /** Matches every device; every device has vbus's two identity attributes. */
    static final class BenchBus implements Bus {
        private static final List<AttributeGroup<Device>> ATTRIBUTES = List.of(
                AttributeGroup.of(
                        Attribute.<Device>ro("idVendor", dev -> dev.property("idVendor") + "\n"),
                        Attribute.<Device>ro("idProduct", dev -> dev.property("idProduct") + "\n")));

        @Override
        public String name() {
            return "benchbus";
        }

        @Override
        public boolean match(Device device, DriverInfo driver) {
            return true;
        }

        @Override
        public void attach(BusContext context) {
        }

        @Override
        public List<AttributeGroup<Device>> deviceAttributes() {
            return ATTRIBUTES;
        }
    }

    /** Counts its calls; one thread plugs, so plain fields. */
    static final class BenchDriver implements Driver {
        int probed;
        int removed;

        @Override
        public void probe(BoundDevice device) {
            probed++;
        }

        @Override
        public void remove(BoundDevice device) {
            removed++;
        }
    }
}
