package org.drivermodel.core.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The registries: buses, classes, drivers and listed devices (Linux's {@code bus_kset},
 * {@code class_kset}, the klists of a bus's devices and drivers). Pure data and lookups: it
 * calls nothing above it and never calls driver or bus code.
 *
 * <p>Concurrency: {@link #lock}, the <b>model lock</b>, guards every map here, each
 * {@link Subsystem}'s state and device map, and each {@link DeviceNode}'s children. It is held
 * only to read or change them. Lock order (docs/design.md §3): a device lock may be held when
 * the model lock is taken (a probe adding a device, a binding publishing its files), never the
 * other way round, as {@link #assertNotLocked} asserts wherever a device lock is taken; nothing
 * is called out under the model lock but the attribute tree's create methods (which call no
 * owner code) and the uevent sink (which only queues).
 */
final class Registry {
    /**
     * @return the devices ordered by path; each path made once (a device makes its path on
     *         demand: a comparator calling {@code path()} would make 2 n log n of them)
     */
    static <T extends Device> List<T> sortedByPath(Collection<T> devices) {
        List<Map.Entry<String, T>> keyed = new ArrayList<>(devices.size());
        for (T d : devices) {
            keyed.add(Map.entry(d.path(), d));
        }
        keyed.sort(Map.Entry.comparingByKey());
        List<T> sorted = new ArrayList<>(keyed.size());
        for (Map.Entry<String, T> e : keyed) {
            sorted.add(e.getValue());
        }
        return sorted;
    }

    /** The model lock. */
    final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Subsystem> buses = new TreeMap<>(); /* guarded by lock */
    private final Map<String, Subsystem> classes = new TreeMap<>(); /* guarded by lock */
    private final List<DriverEntry> drivers = new ArrayList<>(); /* guarded by lock; registration order */
    private final Map<String, List<DriverEntry>> driversByBus = new HashMap<>(); /* guarded by lock; each bus's drivers in
                                                                                    registration order, an immutable list
                                                                                    made again at each change: a plug
                                                                                    reads it and copies nothing */

    /** Asserts the lock order: no device lock is taken while the model lock is held. */
    void assertNotLocked() {
        assert !lock.isHeldByCurrentThread() : "a device lock taken under the model lock";
    }

    // ------------------------------------------------------------ subsystems

    /**
     * Lists a bus or class, running {@code publish} (its directories) under the lock first.
     *
     * @throws DriverModelException EEXIST if one of that name is listed
     */
    void addSubsystem(Subsystem s, Consumer<Subsystem> publish) {
        Map<String, Subsystem> registry = s.isBus() ? buses : classes;
        lock.lock();
        try {
            if (registry.containsKey(s.name())) {
                throw new DriverModelException(Errno.EEXIST, s.isBus() ? "/bus/" + s.name() : "/class/" + s.name(),
                        s.isBus() ? "a bus of that name is attached" : "a class of that name is registered");
            }
            publish.accept(s);
            registry.put(s.name(), s);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks a subsystem dying: no device may be added from now on.
     *
     * @return its devices in add order, or null if it was not live (retired already)
     */
    List<DeviceNode> retire(Subsystem s) {
        lock.lock();
        try {
            if (s.state != Subsystem.State.LIVE) {
                return null;
            }
            s.state = Subsystem.State.DYING;
            return s.devices.inAddOrder();
        } finally {
            lock.unlock();
        }
    }

    /** Unlists a retired subsystem. */
    void removeSubsystem(Subsystem s) {
        lock.lock();
        try {
            s.state = Subsystem.State.GONE;
            (s.isBus() ? buses : classes).remove(s.name(), s);
        } finally {
            lock.unlock();
        }
    }

    Subsystem bus(String name) {
        lock.lock();
        try {
            return buses.get(name);
        } finally {
            lock.unlock();
        }
    }

    Subsystem requireBus(String name) {
        Subsystem bus = bus(name);
        if (bus == null) {
            throw new DriverModelException(Errno.ENOENT, "/bus/" + DriverModelException.quote(String.valueOf(name)), "no such bus");
        }
        return bus;
    }

    List<String> busNames() {
        lock.lock();
        try {
            return List.copyOf(buses.keySet());
        } finally {
            lock.unlock();
        }
    }

    List<String> classNames() {
        lock.lock();
        try {
            return List.copyOf(classes.keySet());
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------ drivers

    /**
     * Lists a driver, running {@code publish} (its directory, if its bus is attached) under the lock.
     *
     * @throws DriverModelException EEXIST if its bus has a driver of that name
     */
    void addDriver(DriverEntry entry, Consumer<DriverEntry> publish) {
        DriverInfo info = entry.info();
        lock.lock();
        try {
            for (DriverEntry d : drivers) {
                if (d.info().bus().equals(info.bus()) && d.info().name().equals(info.name())) {
                    throw new DriverModelException(Errno.EEXIST, entry.path(),
                            "a driver of that name is registered (" + d.bundle() + ")");
                }
            }
            Subsystem bus = buses.get(info.bus());
            if (bus != null && bus.state == Subsystem.State.LIVE) {
                publish.accept(entry);
            }
            drivers.add(entry);
            indexDriversOf(info.bus());
        } finally {
            lock.unlock();
        }
    }

    void removeDriver(DriverEntry entry) {
        lock.lock();
        try {
            if (drivers.remove(entry)) {
                indexDriversOf(entry.info().bus());
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the drivers of a bus, in registration order */
    List<DriverEntry> driversOf(String bus) {
        lock.lock();
        try {
            return driversByBus.getOrDefault(bus, List.of());
        } finally {
            lock.unlock();
        }
    }

    /** Makes a bus's list of drivers again, after a change. Context: the lock is held. */
    private void indexDriversOf(String bus) {
        List<DriverEntry> onBus = new ArrayList<>();
        for (DriverEntry d : drivers) {
            if (d.info().bus().equals(bus)) {
                onBus.add(d);
            }
        }
        if (onBus.isEmpty()) {
            driversByBus.remove(bus);
        } else {
            driversByBus.put(bus, List.copyOf(onBus));
        }
    }

    /** Runs {@code publish} for each driver of a bus, under the lock (the bus's attach lists their directories). */
    void forDriversOf(String bus, Consumer<DriverEntry> publish) {
        lock.lock();
        try {
            for (DriverEntry d : drivers) {
                if (d.info().bus().equals(bus)) {
                    publish.accept(d);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    DriverEntry requireDriver(String bus, String driver) {
        lock.lock();
        try {
            for (DriverEntry d : drivers) {
                if (d.info().bus().equals(bus) && d.info().name().equals(driver)) {
                    return d;
                }
            }
        } finally {
            lock.unlock();
        }
        throw new DriverModelException(Errno.ENOENT, "/bus/" + DriverModelException.quote(String.valueOf(bus)) + "/drivers/"
                + DriverModelException.quote(String.valueOf(driver)), "no such driver");
    }

    /** @return the listed drivers, ordered by bus and name */
    List<DriverInfo> listedDrivers() {
        lock.lock();
        try {
            // listed from the end of its first attach until the end of its unbinding
            return drivers.stream().filter(DriverEntry::listed).map(DriverEntry::info)
                    .sorted(Comparator.comparing(DriverInfo::bus).thenComparing(DriverInfo::name)).toList();
        } finally {
            lock.unlock();
        }
    }

    /** @return the registered drivers of a bundle */
    List<DriverEntry> driversOfBundle(long bundleId) {
        lock.lock();
        try {
            return drivers.stream().filter(d -> d.info().bundleId() == bundleId).toList();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------ devices

    /**
     * Lists a device, running {@code publish} (its directory, its ADD uevent) under the lock.
     *
     * @param <A>     what the publication needs besides the device
     * @param arg     that, handed to {@code publish}: a publication that captures nothing is made
     *                once, not once per plug
     * @param publish publishes the device
     * @throws DriverModelException ENODEV if its subsystem is not live or its parent was removed,
     *         EEXIST for a duplicate name
     */
    <A> void addDevice(DeviceNode node, A arg, BiConsumer<DeviceNode, A> publish) {
        Subsystem s = node.subsystem();
        DeviceNode parent = node.parentNode();
        lock.lock();
        try {
            if (s.state != Subsystem.State.LIVE) {
                throw new DriverModelException(Errno.ENODEV, s.path(), (s.isBus() ? "bus" : "class") + " is "
                        + s.state.name().toLowerCase());
            }
            if (s.devices.get(node.name()) != null) {
                throw new DriverModelException(Errno.EEXIST, node.path(), "a device of that name exists");
            }
            if (parent != null && !parent.subsystem().devices.lists(parent)) {
                throw new DriverModelException(Errno.ENODEV, parent.path(), "parent was removed");
            }
            publish.accept(node, arg);
            if (parent != null) {
                parent.addChild(node);
            }
            s.devices.add(node);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unlists a device: this makes the caller its one remover, hides it from lookups and refuses
     * new children, so the children returned are every child it will ever have.
     *
     * @return its children in add order, or null if another remover came first
     */
    List<DeviceNode> unlist(DeviceNode node) {
        lock.lock();
        try {
            if (!node.subsystem().devices.remove(node)) {
                return null;
            }
            return node.children();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code publish} (a binding's files going into the device's directory) only while the
     * device is listed, under the lock: a removal unlists the device before it removes its
     * directory, so files published here go with that directory, and none is published into a
     * directory of the same path that a new device of the same name has since made.
     *
     * @param <A>     what the publication needs: handed to {@code publish}, so that a
     *                publication capturing nothing is made once, not once per bind
     * @param binding the binding whose files they are (its device is the one checked)
     * @param arg     that
     * @param publish publishes them
     * @return false if the device was unlisted (nothing was published)
     */
    <A> boolean publishIfListed(Binding binding, A arg, BiConsumer<Binding, A> publish) {
        DeviceNode node = binding.node();
        lock.lock();
        try {
            if (!node.subsystem().devices.lists(node)) {
                return false;
            }
            publish.accept(binding, arg);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops a removed device from its parent's children. */
    void dropChild(DeviceNode node) {
        if (node.parentNode() == null) {
            return;
        }
        lock.lock();
        try {
            node.parentNode().removeChild(node);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return the device of that name in the subsystem, or null
     * @throws DriverModelException ENODEV if the subsystem is gone
     */
    DeviceNode deviceIn(Subsystem s, String name) {
        lock.lock();
        try {
            if (s.state == Subsystem.State.GONE) {
                throw new DriverModelException(Errno.ENODEV, s.path(), (s.isBus() ? "bus" : "class") + " is gone");
            }
            return s.devices.get(name);
        } finally {
            lock.unlock();
        }
    }

    /** @return the listed devices of a bus, in add order */
    List<DeviceNode> devicesOf(String bus) {
        lock.lock();
        try {
            Subsystem entry = buses.get(bus);
            return entry == null ? List.of() : entry.devices.inAddOrder();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The device a manual bind or unbind names (Linux {@code bind_store}/{@code unbind_store},
     * drivers/base/bus.c: {@code bus_find_device_by_name} finding none leaves their initial
     * {@code -ENODEV}).
     *
     * @throws DriverModelException ENODEV naming the device if the bus has none of that name
     */
    DeviceNode requireDeviceToBind(String bus, String device) {
        try {
            return requireDevice(bus, device);
        } catch (DriverModelException e) {
            throw e.errno() == Errno.ENOENT ? new DriverModelException(Errno.ENODEV, e.object(), "no such device") : e;
        }
    }

    DeviceNode requireDevice(String bus, String device) {
        lock.lock();
        try {
            Subsystem b = buses.get(bus);
            DeviceNode node = b == null || device == null ? null : b.devices.get(device);
            if (node != null && node.state() != DeviceState.REMOVED) {
                return node;
            }
        } finally {
            lock.unlock();
        }
        throw new DriverModelException(Errno.ENOENT, "/bus/" + DriverModelException.quote(String.valueOf(bus)) + "/devices/"
                + DriverModelException.quote(String.valueOf(device)), "no such device");
    }

    /** @see org.drivermodel.api.DriverCore#device */
    DeviceNode device(String pathOrName) {
        DevicePath p = DevicePath.parse(pathOrName);
        lock.lock();
        try {
            DeviceNode node = switch (p.form()) {
                case TREE -> byTreePath(p.path());
                case BUS -> devicesIn(buses.get(p.subsystem()), p.name());
                case CLASS -> devicesIn(classes.get(p.subsystem()), p.name());
            };
            if (node != null) {
                return node;
            }
        } finally {
            lock.unlock();
        }
        throw new DriverModelException(Errno.ENOENT, DriverModelException.quote(pathOrName), "no such device");
    }

    /** Context: the model lock is held. */
    private static DeviceNode devicesIn(Subsystem s, String name) {
        return s == null ? null : s.devices.get(name);
    }

    /**
     * @param path a well-formed path under /devices (DevicePath.parse checked it)
     * @return the listed device at that path, or null: a parentless device is at
     *         /devices/&lt;bus&gt;/&lt;name&gt; or /devices/virtual/&lt;class&gt;/&lt;name&gt;, a child at its
     *         parent's path / its name. No map by path: a device keeps no path (docs/design.md §8).
     *         Context: the model lock is held
     */
    private DeviceNode byTreePath(String path) {
        String[] parts = path.split("/"); // "", "devices", ...
        boolean virtual = parts[2].equals("virtual");
        int first = virtual ? 4 : 3;
        if (parts.length <= first) {
            return null;
        }
        DeviceNode node = devicesIn((virtual ? classes : buses).get(virtual ? parts[3] : parts[2]), parts[first]);
        if (node == null || node.parentNode() != null) {
            return null;
        }
        for (int i = first + 1; i < parts.length && node != null; i++) {
            node = listedChild(node, parts[i]);
        }
        return node;
    }

    /** @return the listed child of that name, or null. Context: the model lock is held */
    private static DeviceNode listedChild(DeviceNode parent, String name) {
        for (DeviceNode c : parent.childrenLocked()) {
            if (c.name().equals(name) && c.subsystem().devices.lists(c)) {
                return c;
            }
        }
        return null;
    }

    /** @return every listed device, ordered by path */
    List<Device> devices() {
        List<Device> all = new ArrayList<>();
        lock.lock();
        try {
            buses.values().forEach(b -> all.addAll(b.devices.inAddOrder()));
            classes.values().forEach(c -> all.addAll(c.devices.inAddOrder()));
        } finally {
            lock.unlock();
        }
        all.removeIf(d -> d.state() == DeviceState.REMOVED);
        return sortedByPath(all);
    }

    /** @return every listed device node, ordered by path */
    List<DeviceNode> nodes() {
        lock.lock();
        try {
            List<DeviceNode> all = new ArrayList<>();
            buses.values().forEach(b -> all.addAll(b.devices.inAddOrder()));
            classes.values().forEach(c -> all.addAll(c.devices.inAddOrder()));
            return sortedByPath(all);
        } finally {
            lock.unlock();
        }
    }
}
