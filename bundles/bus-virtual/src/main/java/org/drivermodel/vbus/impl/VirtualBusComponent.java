package org.drivermodel.vbus.impl;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.AttributeValues;
import org.drivermodel.api.Bus;
import org.drivermodel.api.BusContext;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.vbus.VbusMatch;
import org.drivermodel.vbus.VirtualBus;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The virtual bus: a simulated hotplug controller (its "hardware" is {@link #hardware}, which
 * stays plugged across a stop and start of this bundle) and the {@link Bus} that reports it to
 * the driver core.
 *
 * <p>Concurrency: {@link #hotplug} plays the part of a hub's event thread: it serialises
 * every hardware event (plug, unplug) and the enumeration at attach, so that the core sees
 * the same sequence of adds and removes as the hardware went through. It is held while
 * calling the core (as a Linux hub holds its device lock while adding children), never while
 * the core calls this bus: {@link #match} takes no lock.
 */
@Component(service = {Bus.class, VirtualBus.class})
public final class VirtualBusComponent implements Bus, VirtualBus {

    @Reference(service = LoggerFactory.class)
    private Logger log;

    // The simulated hardware outlives the bus driver, as real hardware does: what is plugged
    // stays plugged while this bundle is stopped (its classes live until it is uninstalled or
    // refreshed), and is enumerated again when the bus attaches after a start.

    /** Serialises hardware events and their reports to the core. */
    private static final ReentrantLock hotplug = new ReentrantLock();
    private static final Map<String, Map<String, String>> hardware = new LinkedHashMap<>(); /* guarded by hotplug */
    private static int plugs; /* guarded by hotplug */
    private BusContext context; /* guarded by hotplug */

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void attach(BusContext newContext) {
        hotplug.lock();
        try {
            context = newContext;
            hardware.forEach(this::report);
        } finally {
            hotplug.unlock();
        }
    }

    /**
     * Every vbus device has {@code idVendor} and {@code idProduct} (as USB devices do) and a
     * {@code remove} file: writing 1 unplugs the device from inside its own store (Linux PCI's
     * {@code remove}), which the attribute tree lets it do without waiting for itself.
     */
    @Override
    public List<AttributeGroup<Device>> deviceAttributes() {
        return List.of(AttributeGroup.of(
                Attribute.<Device>ro("idVendor", d -> d.property(VENDOR) + "\n"),
                Attribute.<Device>ro("idProduct", d -> d.property(PRODUCT) + "\n"),
                Attribute.<Device>wo("remove", (d, value, ctx) -> {
                    if (!AttributeValues.parseBoolean(value, ctx.path())) {
                        throw new DriverModelException(Errno.EINVAL, ctx.path(), "write 1 to remove the device");
                    }
                    ctx.removeSelf(() -> unplug(d.name()));
                })));
    }

    @Override
    public boolean match(Device device, DriverInfo driver) {
        String vendor = device.property(VENDOR);
        String product = device.property(PRODUCT);
        for (String entry : table(driver)) {
            VbusId id = VbusId.parseMatch(entry);
            if (id == null) {
                log.warn("driver {}: malformed {} entry '{}' ignored", driver.name(), VbusMatch.PROPERTY, entry);
            } else if (id.matches(vendor, product)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String plug(String id) {
        VbusId parsed = VbusId.parse(id);
        Map<String, String> props = Map.of(VENDOR, parsed.vendorHex(), PRODUCT, parsed.productHex());
        hotplug.lock();
        try {
            String name = parsed + "." + (++plugs);
            hardware.put(name, props);
            report(name, props);
            return name;
        } finally {
            hotplug.unlock();
        }
    }

    @Override
    public void unplug(String name) {
        hotplug.lock();
        try {
            if (name == null || hardware.remove(name) == null) {
                throw new DriverModelException(Errno.ENOENT, "/devices/" + NAME + "/" + name, "no such device plugged");
            }
            if (context != null) {
                try {
                    context.removeDevice(name);
                } catch (DriverModelException e) {
                    // ENODEV: the core let go of the bus; the device goes with it.
                    log.debug("unplug {}: {}", name, e.getMessage());
                }
            }
        } finally {
            hotplug.unlock();
        }
    }

    @Override
    public Map<String, Map<String, String>> plugged() {
        hotplug.lock();
        try {
            return new LinkedHashMap<>(hardware);
        } finally {
            hotplug.unlock();
        }
    }

    /** Reports a plugged device to the core, if attached. Context: {@link #hotplug} held. */
    private void report(String name, Map<String, String> props) {
        if (context == null) {
            return;
        }
        try {
            context.addDevice(name, props);
        } catch (DriverModelException e) {
            // ENODEV: the bus is being detached; the device is enumerated at the next attach.
            log.debug("plug {}: {}", name, e.getMessage());
        }
    }

    private static Collection<String> table(DriverInfo driver) {
        Object value = driver.properties().get(VbusMatch.PROPERTY);
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof String[] a) {
            return List.of(a);
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
