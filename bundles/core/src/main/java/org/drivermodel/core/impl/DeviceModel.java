package org.drivermodel.core.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

import org.drivermodel.api.Bus;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.osgi.service.log.Logger;

/**
 * The device model: registries of buses, drivers and devices, and binding (Linux
 * {@code drivers/base/core.c}, {@code bus.c} and {@code dd.c}). Plain Java: the OSGi side
 * ({@link BusTracker}, {@link DriverTracker}) calls it.
 *
 * <h2>Concurrency</h2>
 * Two kinds of lock, and a rule:
 * <ul>
 * <li>The <b>model lock</b> {@link #lock} guards the registries: {@link #buses},
 * {@link #drivers}, and each bus's state and device map. It is held only to read or change
 * them, never while calling a bus, a driver, or the OSGi registry.</li>
 * <li>Each device's <b>device lock</b> ({@link DeviceNode#lock}) serialises binding and
 * unbinding of that device and is held across the driver's {@code probe} and
 * {@code remove}, as Linux holds {@code device_lock}. The model lock is never taken while
 * a device lock is held by a path that calls out, and a device lock is never taken while the
 * model lock is held.</li>
 * </ul>
 * Binding is a claim on the driver ({@link DriverEntry#claim}) taken under the device lock
 * before probing; removing a driver first marks it dying and snapshots its claims, then takes
 * each device lock in turn. So a device is never left bound to a driver whose removal has
 * returned, whatever the interleaving of plug, unplug, driver and bus arrival and departure.
 *
 * <p>Every public mutator returns only when the binding work it caused has finished:
 * {@code addDevice} after the probe, {@code removeDevice} after the remove,
 * {@code removeDriver} after every device bound to the driver has been unbound.
 */
final class DeviceModel implements DriverCore {
    private static final Comparator<Device> BY_PATH = Comparator.comparing(Device::path);

    private final Logger log;

    /** The model lock: registries only, never held across a call out. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, BusEntry> buses = new TreeMap<>(); /* guarded by lock */
    private final List<DriverEntry> drivers = new ArrayList<>(); /* guarded by lock; registration order */

    DeviceModel(Logger log) {
        this.log = log;
    }

    // ---------------------------------------------------------------- buses

    /**
     * Registers a bus. The caller then hands the returned context to {@link Bus#attach}.
     *
     * @throws DriverModelException EINVAL for a bad name, EEXIST if a bus of that name is attached
     */
    BusEntry attachBus(Bus bus, long bundleId) {
        String name = Names.checkBusName(bus.name());
        lock.lock();
        try {
            if (buses.containsKey(name)) {
                throw new DriverModelException(Errno.EEXIST, "/bus/" + name, "a bus of that name is attached");
            }
            BusEntry entry = new BusEntry(this, bus, name, bundleId);
            buses.put(name, entry);
            log.info("bus {}: attached (bundle {})", name, bundleId);
            return entry;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Detaches a bus: no device may be added from now on; every device is removed, its
     * driver unbound first, newest device first; then the bus is gone. Its drivers stay
     * registered and wait for the bus to come back.
     */
    void detachBus(BusEntry bus) {
        List<DeviceNode> nodes;
        lock.lock();
        try {
            if (bus.state != BusEntry.State.LIVE) {
                return;
            }
            bus.state = BusEntry.State.DYING;
            nodes = new ArrayList<>(bus.devices.values());
        } finally {
            lock.unlock();
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            removeNode(nodes.get(i));
        }
        lock.lock();
        try {
            bus.state = BusEntry.State.GONE;
            buses.remove(bus.name(), bus);
        } finally {
            lock.unlock();
        }
        log.info("bus {}: detached, {} device(s) removed", bus.name(), nodes.size());
    }

    // ---------------------------------------------------------------- drivers

    /**
     * Registers a driver and binds it to every unbound device of its bus that it matches.
     *
     * @throws DriverModelException EINVAL for a bad name, EEXIST if the bus has a driver of that name
     */
    DriverEntry addDriver(DriverInfo info, org.drivermodel.api.Driver driver) {
        Names.checkBusName(info.bus());
        Names.checkComponent("/bus/" + info.bus() + "/drivers", info.name());
        DriverEntry entry = new DriverEntry(info, driver);
        lock.lock();
        try {
            for (DriverEntry d : drivers) {
                if (d.info().bus().equals(info.bus()) && d.info().name().equals(info.name())) {
                    throw new DriverModelException(Errno.EEXIST, "/bus/" + info.bus() + "/drivers/" + info.name(),
                            "a driver of that name is registered (bundle " + d.info().bundleId() + ")");
                }
            }
            drivers.add(entry);
        } finally {
            lock.unlock();
        }
        log.info("driver {}: registered (bundle {})", entry, info.bundleId());
        for (DeviceNode node : devicesOf(info.bus())) {
            node.lock.lock();
            try {
                if (node.state() == DeviceState.UNBOUND) {
                    tryProbe(node, entry);
                }
            } finally {
                node.lock.unlock();
            }
        }
        return entry;
    }

    /**
     * Unregisters a driver: no device is bound to it from now on, and every device bound to
     * it is unbound (its {@code remove} called) before this returns.
     */
    void removeDriver(DriverEntry entry) {
        lock.lock();
        try {
            drivers.remove(entry);
        } finally {
            lock.unlock();
        }
        List<DeviceNode> claimed = entry.kill();
        for (DeviceNode node : claimed) {
            node.lock.lock();
            try {
                if (node.driverEntry() == entry) {
                    release(node, DeviceState.UNBOUND);
                }
            } finally {
                node.lock.unlock();
            }
        }
        log.info("driver {}: unregistered, {} device(s) unbound", entry, claimed.size());
    }

    // ---------------------------------------------------------------- devices

    /** @see org.drivermodel.api.BusContext#addDevice */
    Device addDevice(BusEntry bus, String name, Map<String, String> properties) {
        Names.checkComponent(bus.path(), name);
        DeviceNode node = new DeviceNode(bus, name, properties);
        lock.lock();
        try {
            if (bus.state != BusEntry.State.LIVE) {
                throw new DriverModelException(Errno.ENODEV, bus.path(), "bus is " + bus.state.name().toLowerCase());
            }
            if (bus.devices.containsKey(name)) {
                throw new DriverModelException(Errno.EEXIST, node.path(), "a device of that name exists");
            }
            bus.devices.put(name, node);
        } finally {
            lock.unlock();
        }
        log.info("device {}: added", node);
        attach(node);
        return node;
    }

    /** @see org.drivermodel.api.BusContext#removeDevice */
    void removeDevice(BusEntry bus, String name) {
        DeviceNode node;
        lock.lock();
        try {
            if (bus.state == BusEntry.State.GONE) {
                throw new DriverModelException(Errno.ENODEV, bus.path(), "bus is gone");
            }
            node = bus.devices.get(name);
        } finally {
            lock.unlock();
        }
        if (node == null || !removeNode(node)) {
            throw new DriverModelException(Errno.ENOENT, bus.path() + "/" + Names.printable(String.valueOf(name)),
                    "no such device");
        }
    }

    /**
     * Removes a device: unbinds its driver, marks it removed, drops it from its bus.
     *
     * @return false if another thread removed it first
     */
    private boolean removeNode(DeviceNode node) {
        node.lock.lock();
        try {
            if (node.state() == DeviceState.REMOVED) {
                return false;
            }
            release(node, DeviceState.REMOVED);
        } finally {
            node.lock.unlock();
        }
        lock.lock();
        try {
            node.busEntry().devices.remove(node.name(), node);
        } finally {
            lock.unlock();
        }
        log.info("device {}: removed", node);
        return true;
    }

    /** Binds a new device to the first matching driver of its bus (Linux {@code device_attach}). */
    private void attach(DeviceNode node) {
        List<DriverEntry> candidates = driversOf(node.bus());
        node.lock.lock();
        try {
            for (DriverEntry d : candidates) {
                if (node.state() != DeviceState.UNBOUND || tryProbe(node, d)) {
                    return;
                }
            }
        } finally {
            node.lock.unlock();
        }
    }

    /**
     * Matches and, on a match, probes. Context: the device lock is held, the device unbound.
     *
     * @return true if the driver is now bound to the device
     */
    private boolean tryProbe(DeviceNode node, DriverEntry driver) {
        if (!matches(node, driver) || !driver.claim(node)) {
            return false;
        }
        node.setState(DeviceState.PROBING, driver);
        try {
            driver.driver().probe(node);
        } catch (Exception | LinkageError e) {
            node.setState(DeviceState.UNBOUND, null);
            driver.unclaim(node);
            log.warn("device {}: probe of driver {} failed: {}", node, driver, e.toString(), e);
            return false;
        }
        node.setState(DeviceState.BOUND, driver);
        log.info("device {}: bound to driver {}", node, driver);
        return true;
    }

    /** Unbinds the device's driver, if any. Context: the device lock is held. */
    private void release(DeviceNode node, DeviceState after) {
        DriverEntry driver = node.driverEntry();
        if (driver != null) {
            node.setState(DeviceState.UNBINDING, driver);
            try {
                driver.driver().remove(node);
            } catch (Exception | LinkageError e) {
                log.error("device {}: remove of driver {} failed: {}", node, driver, e.toString(), e);
            }
            driver.unclaim(node);
            log.info("device {}: unbound from driver {}", node, driver);
        }
        node.setState(after, null);
    }

    private boolean matches(DeviceNode node, DriverEntry driver) {
        try {
            return node.busEntry().bus().match(node, driver.info());
        } catch (Exception | LinkageError e) {
            log.error("bus {}: match of {} against driver {} failed: {}", node.bus(), node, driver, e.toString(), e);
            return false;
        }
    }

    private List<DriverEntry> driversOf(String bus) {
        lock.lock();
        try {
            return drivers.stream().filter(d -> d.info().bus().equals(bus)).toList();
        } finally {
            lock.unlock();
        }
    }

    private List<DeviceNode> devicesOf(String bus) {
        lock.lock();
        try {
            BusEntry entry = buses.get(bus);
            return entry == null ? List.of() : List.copyOf(entry.devices.values());
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- DriverCore

    @Override
    public List<String> buses() {
        lock.lock();
        try {
            return List.copyOf(buses.keySet());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Device> devices() {
        List<Device> all = new ArrayList<>();
        lock.lock();
        try {
            buses.values().forEach(b -> all.addAll(b.devices.values()));
        } finally {
            lock.unlock();
        }
        all.removeIf(d -> d.state() == DeviceState.REMOVED);
        all.sort(BY_PATH);
        return all;
    }

    @Override
    public List<DriverInfo> drivers() {
        lock.lock();
        try {
            return drivers.stream().map(DriverEntry::info)
                    .sorted(Comparator.comparing(DriverInfo::bus).thenComparing(DriverInfo::name)).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Device device(String pathOrName) {
        DevicePath p = DevicePath.parse(pathOrName);
        lock.lock();
        try {
            BusEntry bus = buses.get(p.bus());
            DeviceNode node = bus == null ? null : bus.devices.get(p.name());
            if (node != null && node.state() != DeviceState.REMOVED) {
                return node;
            }
        } finally {
            lock.unlock();
        }
        throw new DriverModelException(Errno.ENOENT, Names.printable(pathOrName), "no such device");
    }

    @Override
    public List<Device> boundDevices(String bus, String driver) {
        lock.lock();
        DriverEntry entry;
        try {
            entry = drivers.stream().filter(d -> d.info().bus().equals(bus) && d.info().name().equals(driver))
                    .findFirst().orElse(null);
        } finally {
            lock.unlock();
        }
        if (entry == null) {
            throw new DriverModelException(Errno.ENOENT, "/bus/" + Names.printable(String.valueOf(bus)) + "/drivers/"
                    + Names.printable(String.valueOf(driver)), "no such driver");
        }
        return entry.claimed().stream().filter(d -> d.state() == DeviceState.BOUND).map(Device.class::cast)
                .sorted(BY_PATH).toList();
    }
}
