package org.drivermodel.vbus.impl;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * <p>Concurrency: {@link #hotplug} guards the hardware table and the context; it is never held
 * while calling the core, so a probe that blocks in a driver holds up only its own device's plug,
 * never the other ports. Each port's events still reach the core in hardware order: a plug
 * reports its device with no lock held and then looks again — if the device was unplugged
 * meanwhile (the unplug's removal found nothing yet), the plug removes it itself. {@link #match}
 * takes no lock.
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
        Map<String, Map<String, String>> plugged;
        hotplug.lock();
        try {
            context = newContext;
            plugged = new LinkedHashMap<>(hardware);
        } finally {
            hotplug.unlock();
        }
        plugged.forEach((name, props) -> report(newContext, name, props));
    }

    /**
     * Every vbus device has {@code idVendor} and {@code idProduct} (as USB devices do) and a
     * {@code remove} file: writing 1 unplugs the device from inside its own store (Linux PCI's
     * {@code remove}), which the attribute tree lets it do without waiting for itself. One list
     * for every device, as Linux's {@code bus_type.dev_groups}: the core shares these files among
     * the devices and makes a node only for a file opened.
     */
    private final List<AttributeGroup<Device>> deviceAttributes = List.of(AttributeGroup.of(
            Attribute.<Device>ro("idVendor", d -> d.property(VENDOR) + "\n"),
            Attribute.<Device>ro("idProduct", d -> d.property(PRODUCT) + "\n"),
            Attribute.<Device>wo("remove", (d, value, ctx) -> {
                if (!AttributeValues.parseBoolean(value, ctx.path())) {
                    throw new DriverModelException(Errno.EINVAL, ctx.path(), "write 1 to remove the device");
                }
                ctx.removeSelf(() -> unplug(d.name()));
            })));

    @Override
    public List<AttributeGroup<Device>> deviceAttributes() {
        return deviceAttributes;
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

    /**
     * The device's uevent variables, as a USB bus's {@code usb_uevent} gives {@code PRODUCT=} and
     * {@code MODALIAS=usb:v...p...}: {@code VBUS_ID=<vendor>:<product>} and
     * {@code MODALIAS=vbus:v<VENDOR>p<PRODUCT>}, the hex digits upper case as in Linux modaliases.
     */
    @Override
    public Map<String, String> uevent(Device device) {
        String vendor = device.property(VENDOR);
        String product = device.property(PRODUCT);
        if (vendor == null || product == null) {
            return Map.of();
        }
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("VBUS_ID", vendor + ":" + product);
        vars.put("MODALIAS", "vbus:v" + vendor.toUpperCase(Locale.ROOT) + "p" + product.toUpperCase(Locale.ROOT));
        return vars;
    }

    @Override
    public String plug(String id) {
        VbusId parsed = VbusId.parse(id);
        Map<String, String> props = Map.of(VENDOR, parsed.vendorHex(), PRODUCT, parsed.productHex());
        String name;
        BusContext ctx;
        hotplug.lock();
        try {
            name = parsed + "." + (++plugs);
            hardware.put(name, props);
            ctx = context;
        } finally {
            hotplug.unlock();
        }
        report(ctx, name, props);
        return name;
    }

    @Override
    public void unplug(String name) {
        BusContext ctx;
        hotplug.lock();
        try {
            if (name == null || hardware.remove(name) == null) {
                throw new DriverModelException(Errno.ENOENT, "/devices/" + NAME + "/" + name, "no such device plugged");
            }
            ctx = context;
        } finally {
            hotplug.unlock();
        }
        remove(ctx, name);
    }

    /** Removes a device from the core; one not there (yet, or any more) is not an error. */
    private void remove(BusContext ctx, String name) {
        if (ctx == null) {
            return;
        }
        try {
            ctx.removeDevice(name);
        } catch (DriverModelException e) {
            // ENOENT: its plug has not reported it yet (the plug removes it), or it went already;
            // ENODEV: the core let go of the bus, and the device went with it
            log.debug("unplug {}: {}", name, e.getMessage());
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

    /**
     * Reports a plugged device to the core, if attached, then looks again: one unplugged while it
     * was being reported is removed. Context: no lock held.
     */
    private void report(BusContext ctx, String name, Map<String, String> props) {
        if (ctx == null) {
            return;
        }
        try {
            ctx.addDevice(name, props);
        } catch (DriverModelException e) {
            // ENODEV: the bus is being detached, the device is enumerated at the next attach;
            // EEXIST: an enumeration at attach reported it first
            log.debug("plug {}: {}", name, e.getMessage());
            return;
        }
        boolean unplugged;
        hotplug.lock();
        try {
            unplugged = !hardware.containsKey(name);
        } finally {
            hotplug.unlock();
        }
        if (unplugged) {
            remove(ctx, name);
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
