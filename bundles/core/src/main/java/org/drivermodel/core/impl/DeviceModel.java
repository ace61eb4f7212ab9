package org.drivermodel.core.impl;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.BundleAction;
import org.drivermodel.api.DeviceRef;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.api.UsagePin;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.Bus;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceClass;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.api.Uevent;
import org.drivermodel.core.impl.sysfs.AttributeTree;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.ManagedResources;
import org.drivermodel.lifetime.OwnerFrames;
import org.drivermodel.lifetime.RefTracking;
import org.drivermodel.lifetime.ReleaseFailure;
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
 * <li>A driver's {@code remove} is watched ({@link RemoveWatchdog}): past the drain deadline it is
 * named in the lifetime report from the watchdog's thread, which holds no lock; the removal keeps
 * waiting for it under that one device lock, so only that device is held up.</li>
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
    private final UeventSink uevents;
    private final SysfsLayout sysfs;
    private final DeferredProbes deferred;
    private final Usage usage;
    private final AsyncProbes async;
    private final RemoveWatchdog watchdog = new RemoveWatchdog();
    private volatile CoreSettings settings; /* replaced whole by configure() */

    /** The model lock: registries only, never held across a call out. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Subsystem> buses = new TreeMap<>(); /* guarded by lock */
    private final Map<String, Subsystem> classes = new TreeMap<>(); /* guarded by lock */
    private final Map<String, DeviceNode> byPath = new HashMap<>(); /* guarded by lock; listed devices */
    private final List<DriverEntry> drivers = new ArrayList<>(); /* guarded by lock; registration order */

    /** Deferred-probe retry: one pass at a time, and another if a bind happened during it. */
    private final AtomicBoolean retrying = new AtomicBoolean();
    private final AtomicBoolean retryAgain = new AtomicBoolean();

    DeviceModel(Logger log) {
        this(log, CoreSettings.DEFAULTS, System::nanoTime, UeventSink.NONE);
    }

    DeviceModel(Logger log, CoreSettings settings, LongSupplier nanoClock, UeventSink uevents) {
        this.log = log;
        this.uevents = uevents;
        this.settings = settings;
        RefTracking.setGlobal(settings.refTracking());
        this.deferred = new DeferredProbes(nanoClock);
        LeakHistory leaks = new LeakHistory(log, Clock.systemUTC());
        this.sysfs = new SysfsLayout(new AttributeTree(settings.drainTimeout()), () -> this.settings.drainTimeout(), leaks,
                DriverEntry::description);
        this.usage = new Usage(this, log, leaks, uevents, () -> this.settings);
        this.async = new AsyncProbes(log, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    /** Stops the probe threads (queued probes still run). Context: the core stopping, after its trackers closed. */
    void close() {
        async.shutdown();
        watchdog.shutdown();
    }

    /** @return who uses what: references, pins, management, the lifetime report */
    Usage usage() {
        return usage;
    }

    /** Applies new settings; what is in progress finishes under the old ones. */
    void configure(CoreSettings newSettings) {
        settings = newSettings;
        RefTracking.setGlobal(newSettings.refTracking());
        log.info("settings: {}", newSettings);
    }

    // ---------------------------------------------------------------- buses

    /**
     * Registers a bus. The caller then hands the returned context to {@link Bus#attach}.
     *
     * @throws DriverModelException EINVAL for a bad name, EEXIST if a bus of that name is attached
     */
    Subsystem attachBus(Bus bus, long bundleId) {
        String name = Names.checkBusName(bus.name());
        lock.lock();
        try {
            if (buses.containsKey(name)) {
                throw new DriverModelException(Errno.EEXIST, "/bus/" + name, "a bus of that name is attached");
            }
            Subsystem entry = Subsystem.bus(this, bus, name, bundleId);
            sysfs.busAttached(entry, this);
            buses.put(name, entry);
            for (DriverEntry d : drivers) {
                if (d.info().bus().equals(name)) {
                    sysfs.driverAdded(d, this);
                }
            }
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
    void detachBus(Subsystem bus) {
        retire(bus, buses);
    }

    /**
     * Retires a bus or class: no device may be added from now on; every device is removed
     * (its driver unbound first), newest first; then its directories go. Idempotent.
     */
    private void retire(Subsystem subsystem, Map<String, Subsystem> registry) {
        List<DeviceNode> nodes;
        lock.lock();
        try {
            if (subsystem.state != Subsystem.State.LIVE) {
                return;
            }
            subsystem.state = Subsystem.State.DYING;
            nodes = new ArrayList<>(subsystem.devices.values());
        } finally {
            lock.unlock();
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            removeNode(nodes.get(i));
        }
        sysfs.subsystemRemoved(subsystem);
        lock.lock();
        try {
            subsystem.state = Subsystem.State.GONE;
            registry.remove(subsystem.name(), subsystem);
        } finally {
            lock.unlock();
        }
        log.info("{} {}: gone, {} device(s) removed", subsystem.kind().name().toLowerCase(), subsystem.name(),
                nodes.size());
    }


    // ---------------------------------------------------------------- classes

    @Override
    public DeviceClass registerClass(String name, List<AttributeGroup<Device>> attributes) {
        Names.checkBusName(name);
        Subsystem entry = Subsystem.deviceClass(this, name, attributes == null ? List.of() : attributes);
        lock.lock();
        try {
            if (classes.containsKey(name)) {
                throw new DriverModelException(Errno.EEXIST, "/class/" + name, "a class of that name is registered");
            }
            sysfs.classRegistered(entry);
            classes.put(name, entry);
        } finally {
            lock.unlock();
        }
        log.info("class {}: registered", name);
        return new ClassHandle(this, entry);
    }

    /** Unregisters a class: its devices are removed, newest first. Idempotent. */
    void unregisterClass(Subsystem entry) {
        retire(entry, classes);
    }


    /**
     * Adds a class device; one whose parent has a binding belongs to that binding.
     *
     * @see DeviceClass#addDevice
     */
    Device addClassDevice(Subsystem cls, String name, Map<String, String> properties, Device parent) {
        DeviceNode node = (DeviceNode) addDevice(cls, name, properties, parent);
        if (parent instanceof DeviceNode p && p.hasBinding()) {
            try {
                p.resources().add(cls.name() + "/" + name, () -> removeNode(node));
            } catch (DriverModelException e) {
                // the binding ended meanwhile (resources() refused, or add() released it at once):
                // the class device goes too, whichever it was
                removeNode(node);
                throw new DriverModelException(Errno.ENODEV, node.path(), "parent's driver was unbound", e);
            }
        }
        return node;
    }

    @Override
    public List<String> classes() {
        lock.lock();
        try {
            return List.copyOf(classes.keySet());
        } finally {
            lock.unlock();
        }
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
        DriverEntry entry = new DriverEntry(info, driver, usage.bundles().describe(info.bundleId())); // no lock held
        lock.lock();
        try {
            for (DriverEntry d : drivers) {
                if (d.info().bus().equals(info.bus()) && d.info().name().equals(info.name())) {
                    throw new DriverModelException(Errno.EEXIST, "/bus/" + info.bus() + "/drivers/" + info.name(),
                            "a driver of that name is registered (bundle " + d.info().bundleId() + ")");
                }
            }
            Subsystem bus = buses.get(info.bus());
            if (bus != null && bus.state == Subsystem.State.LIVE) {
                sysfs.driverAdded(entry, this);
            }
            drivers.add(entry);
        } finally {
            lock.unlock();
        }
        log.info("driver {}: registered (bundle {})", entry, info.bundleId());
        Subsystem bus = busNamed(info.bus());
        if (bus != null && bus.autoprobe) {
            boolean bound = false;
            for (DeviceNode node : devicesOf(info.bus())) {
                if (!matches(node, entry)) {
                    // Linux __driver_attach: match first, with no lock, so a device whose lock is
                    // held for long (a remove that hangs) holds up only the drivers that match it
                    continue;
                }
                if (entry.asyncProbe()) {
                    async.submit(() -> {
                        if (probeIfUnbound(node, entry)) {
                            retryDeferred();
                        }
                    });
                } else {
                    bound |= probeIfUnbound(node, entry);
                }
            }
            if (bound) {
                retryDeferred();
            }
        }
        entry.attached(); // listed from now on: a tool that sees the driver sees the devices it bound
        return entry;
    }

    /**
     * Unregisters a driver: no device is bound to it from now on, and every device bound to
     * it is unbound (its {@code remove} called) before this returns.
     */
    void removeDriver(DriverEntry entry) {
        // Listed until its devices are unbound (Linux detaches, then unlinks): a tool that sees
        // the driver gone sees its devices unbound. Dying, it claims nothing meanwhile.
        sysfs.driverRemoved(entry);
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
        lock.lock();
        try {
            drivers.remove(entry);
        } finally {
            lock.unlock();
        }
        log.info("driver {}: unregistered, {} device(s) unbound", entry, claimed.size());
    }

    // ---------------------------------------------------------------- devices

    /** @see org.drivermodel.api.BusContext#addDevice(String, Map, Device) */
    Device addDevice(Subsystem bus, String name, Map<String, String> properties, Device parent) {
        Names.checkComponent(bus.path(), name);
        DeviceNode parentNode = null;
        if (parent != null) {
            if (!(parent instanceof DeviceNode p) || p.subsystem().model() != this) {
                throw new DriverModelException(Errno.EINVAL, bus.path() + "/" + name, "parent is not a device of this core");
            }
            parentNode = p;
        }
        DeviceNode node = new DeviceNode(bus, name, properties, parentNode);
        List<AttributeGroup<Device>> busGroups = busAttributes(bus);
        lock.lock();
        try {
            if (bus.state != Subsystem.State.LIVE) {
                throw new DriverModelException(Errno.ENODEV, bus.path(), "bus is " + bus.state.name().toLowerCase());
            }
            if (bus.devices.containsKey(name)) {
                throw new DriverModelException(Errno.EEXIST, bus.path() + "/" + name, "a device of that name exists");
            }
            if (parentNode != null) {
                if (parentNode.subsystem().devices.get(parentNode.name()) != parentNode) {
                    throw new DriverModelException(Errno.ENODEV, parentNode.path(), "parent was removed");
                }
            }
            sysfs.deviceAdded(node, busGroups);
            if (parentNode != null) {
                parentNode.addChild(node);
            }
            bus.devices.put(name, node);
            byPath.put(node.path(), node);
            // under the lock: no driver can bind the device (and post BIND) before ADD is queued
            uevents.emit(Uevent.ADD, node, null);
        } finally {
            lock.unlock();
        }
        log.debug("device {}: added", node);
        if (bus.isBus() && bus.autoprobe) {
            attach(node);
        }
        return node;
    }

    /** @see org.drivermodel.api.BusContext#removeDevice */
    void removeDevice(Subsystem bus, String name) {
        DeviceNode node;
        lock.lock();
        try {
            if (bus.state == Subsystem.State.GONE) {
                throw new DriverModelException(Errno.ENODEV, bus.path(), "bus is gone");
            }
            node = bus.devices.get(name);
        } finally {
            lock.unlock();
        }
        if (node == null || !removeNode(node)) {
            throw new DriverModelException(Errno.ENOENT, bus.path() + "/" + DriverModelException.quote(String.valueOf(name)),
                    "no such device");
        }
    }

    /**
     * Removes a device: unbinds its driver, marks it removed, drops it from its bus.
     *
     * @return false if another thread removed it first
     */
    private boolean removeNode(DeviceNode node) {
        List<DeviceNode> children;
        lock.lock();
        try {
            // Unlisting first makes this the one remover, hides the device from lookups and
            // refuses new children, so the snapshot below is every child it will ever have.
            if (!node.subsystem().devices.remove(node.name(), node)) {
                return false;
            }
            byPath.remove(node.path(), node);
            children = node.children();
        } finally {
            lock.unlock();
        }
        for (int i = children.size() - 1; i >= 0; i--) {
            removeNode(children.get(i));
        }
        sysfs.deviceRemoved(node);
        node.lock.lock();
        try {
            release(node, DeviceState.REMOVED);
            deferred.forget(node);
        } finally {
            node.lock.unlock();
        }
        lock.lock();
        try {
            if (node.parentNode() != null) {
                node.parentNode().removeChild(node);
            }
        } finally {
            lock.unlock();
        }
        log.debug("device {}: removed", node);
        uevents.emit(Uevent.REMOVE, node, null);
        usage.awaitReferences(node);
        return true;
    }

    /** Probes one driver for a device if the device is unbound; true if it bound. */
    private boolean probeIfUnbound(DeviceNode node, DriverEntry driver) {
        node.lock.lock();
        try {
            return node.state() == DeviceState.UNBOUND && tryProbe(node, driver).is(ProbeResult.Outcome.BOUND);
        } finally {
            node.lock.unlock();
        }
    }

    /**
     * Binds a new device to the first matching driver of its bus (Linux {@code device_attach});
     * on a probe thread if a matching driver prefers asynchronous probing.
     */
    private void attach(DeviceNode node) {
        boolean preferAsync = false;
        for (DriverEntry d : driversOf(node.bus())) {
            preferAsync |= d.asyncProbe() && matches(node, d);
        }
        Runnable attach = () -> {
            if (attachLocked(node).is(ProbeResult.Outcome.BOUND)) {
                retryDeferred();
            }
        };
        if (preferAsync) {
            async.submit(attach);
        } else {
            attach.run();
        }
    }

    /** Offers the device to each driver of its bus in turn, under its lock; no retry trigger. */
    private ProbeResult attachLocked(DeviceNode node) {
        List<DriverEntry> candidates = driversOf(node.bus());
        node.lock.lock();
        try {
            for (DriverEntry d : candidates) {
                if (node.state() != DeviceState.UNBOUND) {
                    return ProbeResult.NO_MATCH;
                }
                ProbeResult r = tryProbe(node, d);
                if (r.is(ProbeResult.Outcome.BOUND) || r.is(ProbeResult.Outcome.DEFERRED)) {
                    return r;
                }
            }
            return ProbeResult.NO_MATCH;
        } finally {
            node.lock.unlock();
        }
    }

    /**
     * Retries every deferred device, as Linux does after each successful bind (a device's
     * dependency may just have arrived). Runs on the caller's thread, holding no lock; a
     * pass already running elsewhere is told to run once more instead.
     */
    private void retryDeferred() {
        retryAgain.set(true);
        while (retryAgain.get() && retrying.compareAndSet(false, true)) {
            try {
                while (retryAgain.getAndSet(false)) {
                    expireDeferred();
                    for (DeviceNode node : deferred.snapshot()) {
                        attachLocked(node);
                    }
                }
            } finally {
                retrying.set(false);
            }
        }
    }

    private void expireDeferred() {
        deferred.expire(settings.deferredProbeTimeout()).forEach((node, reason) -> log.warn(
                "device {}: deferred probe timeout, giving up: {}", node, reason));
    }

    /**
     * Matches and, on a match, probes. Context: the device lock is held, the device unbound.
     */
    private ProbeResult tryProbe(DeviceNode node, DriverEntry driver) {
        if (!matches(node, driver) || !driver.claim(node)) {
            return ProbeResult.NO_MATCH;
        }
        ManagedResources resources = new ManagedResources(node.path());
        node.setResources(resources);
        node.setState(DeviceState.PROBING, driver);
        try {
            driver.driver().probe(node);
            if (settings.testDriverRemove()) {
                // Linux DEBUG_TEST_DRIVER_REMOVE: unbind at once and probe again
                disconnect(node);
                driver.driver().remove(node);
                node.setResources(null);
                node.clearDriverData();
                releaseResources(node, resources);
                resources = new ManagedResources(node.path());
                node.setResources(resources);
                driver.driver().probe(node);
            }
        } catch (Exception | LinkageError e) {
            disconnect(node); // what the probe registered with upper layers goes first
            node.setState(DeviceState.UNBOUND, null);
            node.setResources(null);
            node.clearDriverData();
            releaseResources(node, resources);
            driver.unclaim(node);
            if (e instanceof DriverModelException dme && dme.errno() == Errno.EPROBE_DEFER) {
                deferred.defer(node, driver + ": " + dme.getMessage());
                log.info("device {}: driver {} deferred its probe: {}", node, driver, dme.getMessage());
                return ProbeResult.deferred(e);
            }
            log.warn("device {}: probe of driver {} failed: {}", node, driver, e.toString(), e);
            probeFailed(node, driver, e);
            return ProbeResult.refused(e);
        }
        try {
            List<AttributeGroup<Device>> groups = List.copyOf(driver.driver().deviceAttributes());
            sysfs.driverBound(node, driver, groups);
            node.setDriverGroups(groups);
        } catch (Exception | LinkageError e) {
            // Linux really_probe: dev_groups that cannot be added fail the probe
            log.warn("device {}: attributes of driver {} refused, unbinding: {}", node, driver, e.toString(), e);
            node.setState(DeviceState.UNBINDING, driver);
            disconnect(node);
            callRemove(node, driver);
            node.setState(DeviceState.UNBOUND, null);
            ManagedResources bound = node.resources();
            node.setResources(null);
            node.clearDriverData();
            releaseResources(node, bound);
            driver.unclaim(node);
            return ProbeResult.refused(e);
        }
        node.setState(DeviceState.BOUND, driver);
        deferred.forget(node);
        log.debug("device {}: bound to driver {}", node, driver);
        uevents.emit(Uevent.BIND, node, driver.info().name());
        return ProbeResult.BOUND;
    }

    /** Unbinds the device's driver, if any. Context: the device lock is held. */
    private void release(DeviceNode node, DeviceState after) {
        DriverEntry driver = node.driverEntry();
        if (driver != null) {
            node.setState(DeviceState.UNBINDING, driver);
            usage.bindingEnding(node);
            if (after != DeviceState.REMOVED) { // else they went with the device's directory, drained
                sysfs.driverUnbinding(node, node.driverGroups());
            }
            node.setDriverGroups(List.of());
            disconnect(node);
            callRemove(node, driver);
            ManagedResources resources = node.resources();
            node.setResources(null);
            node.clearDriverData();
            releaseResources(node, resources);
            driver.unclaim(node);
            node.setLastBinding(driver.description());
            log.debug("device {}: unbound from driver {}", node, driver);
            uevents.emit(Uevent.UNBIND, node, driver.info().name());
        }
        node.setState(after, null);
    }

    /**
     * Runs the binding's disconnect-now actions (upper layers letting go of the driver), newest
     * first. Context: the device lock is held; before the driver's remove.
     */
    private void disconnect(DeviceNode node) {
        ManagedResources d = node.takeDisconnects();
        if (d != null) {
            releaseResources(node, d);
        }
    }

    /**
     * Calls the driver's remove, containing what it throws, watched: a remove still running when
     * the drain deadline passes is named in the lifetime report with its thread and driver frame,
     * and waited for (unbinding must not go on while the driver may touch its device). Only this
     * device's lock is held meanwhile: other devices, drivers and bundles are not held up.
     * Context: the device lock is held.
     */
    private void callRemove(DeviceNode node, DriverEntry driver) {
        long start = System.nanoTime();
        ClassLoader loader = driver.driver().getClass().getClassLoader(); // kept only while the watch is open
        RemoveWatchdog.Watch watch = watchdog.watch(settings.drainTimeout(),
                overdue -> removeOverdue(node, driver, loader, overdue));
        try {
            driver.driver().remove(node);
        } catch (Exception | LinkageError e) {
            log.error("device {}: remove of driver {} failed: {}", node, driver, e.toString(), e);
        } finally {
            watch.close();
        }
        if (watch.fired()) {
            log.warn("device {}: remove of driver {} returned after {} ms, past its deadline", node, driver,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    /** Reports a remove past its deadline. Context: the watchdog's thread, no lock held. */
    private void removeOverdue(DeviceNode node, DriverEntry driver, ClassLoader loader, RemoveWatchdog.Overdue o) {
        Optional<StackTraceElement> frame = loader == null ? Optional.empty() : new OwnerFrames(loader).firstIn(o.stack());
        StringBuilder detail = new StringBuilder("remove of driver ").append(driver.description()).append(" for ")
                .append(node).append(" still running after ").append(o.waited().toMillis()).append(" ms (drain.timeout.ms)")
                .append(": thread \"").append(o.thread().getName()).append("\" (id ").append(o.thread().getId())
                .append(", ").append(o.state()).append(")")
                .append(frame.map(f -> ", in driver code at " + f).orElse(", no frame of driver code on its stack"));
        int shown = Math.min(StrayThreads.FRAMES_SHOWN, o.stack().size());
        for (int i = 0; i < shown; i++) {
            detail.append("\n      at ").append(o.stack().get(i));
        }
        detail.append("\n  the removal waits for it");
        usage.leaks().record(LifetimeReport.Leak.Kind.REMOVE, node.path(), List.of(o.thread().getName()), detail.toString());
    }

    /**
     * Records a failed probe (Linux "probe of X failed with error -N"): the errno of a
     * {@link DriverModelException}, EIO for anything else thrown. Only text is kept: the exception
     * references the driver's classes. Context: the device lock is held.
     */
    private void probeFailed(DeviceNode node, DriverEntry driver, Throwable e) {
        Errno errno = e instanceof DriverModelException dme ? dme.errno() : Errno.EIO;
        usage.leaks().record(LifetimeReport.Leak.Kind.PROBE, node.path(), List.of(driver.bundle()),
                "probe of " + node.path() + " with driver " + driver.description() + " failed with error -" + errno.number()
                        + " (" + errno.name() + "): " + e + "\n" + LeakHistory.stackText(e));
    }

    /**
     * Adds an attribute group for the device's current binding.
     *
     * @see Device#addAttributes
     */
    void addAttributes(DeviceNode node, AttributeGroup<Device> group) {
        if (group == null) {
            throw new DriverModelException(Errno.EINVAL, node.path(), "null attribute group");
        }
        if (!node.hasBinding()) {
            throw lateRegistration(node, group, "no driver is bound");
        }
        List<AttributeGroup<Device>> groups = List.of(group);
        try {
            sysfs.attributesAdded(node, groups, node.state() != DeviceState.PROBING);
        } catch (DriverModelException e) {
            if (e.errno() == Errno.ENOENT && !node.hasBinding()) { // the device went meanwhile
                throw lateRegistration(node, group, "no driver is bound");
            }
            throw e;
        }
        try {
            // drained and removed with the binding's other files, before remove
            node.addDisconnect("attributes " + group.name().orElse("") + group.attributes().stream()
                    .map(Attribute::name).toList(), () -> sysfs.attributesRemoved(node, groups));
        } catch (DriverModelException e) {
            sysfs.attributesRemoved(node, groups);
            throw lateRegistration(node, group, e.getMessage());
        }
    }

    /** Records a registration after the binding ended and returns its ENODEV. Context: any thread, no lock held. */
    private DriverModelException lateRegistration(DeviceNode node, AttributeGroup<Device> group, String why) {
        Thread t = Thread.currentThread();
        String caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .dropWhile(f -> f.getDeclaringClass() == DeviceModel.class || f.getDeclaringClass() == DeviceNode.class)
                .findFirst().map(f -> f.toStackTraceElement().toString()).orElse("(unknown)"));
        String name = group.name().orElse("(unnamed)");
        String files = group.attributes().stream().map(Attribute::name).toList().toString();
        String last = node.lastBinding();
        DriverModelException refusal = new DriverModelException(Errno.ENODEV, node.path(),
                "attribute group " + name + " " + files + " refused: " + why + " (a registration after remove)");
        usage.leaks().record(LifetimeReport.Leak.Kind.REGISTRATION, node.path(), List.of(t.getName()),
                "attribute group " + name + " " + files + " for " + node + " refused with ENODEV: " + why
                        + (last == null ? "" : "; last bound to driver " + last)
                        + "; called by thread \"" + t.getName() + "\" at " + caller);
        return refusal;
    }

    /** @return the bus's device attributes; a bus that fails to give them gets none (logged) */
    private List<AttributeGroup<Device>> busAttributes(Subsystem bus) {
        if (!bus.isBus()) {
            return bus.classAttributes();
        }
        try {
            return List.copyOf(bus.bus().deviceAttributes());
        } catch (RuntimeException | LinkageError e) {
            log.error("bus {}: device attributes failed: {}", bus.name(), e.toString(), e);
            return List.of();
        }
    }

    /** Releases a binding's managed resources, newest first, logging each failure. */
    private void releaseResources(DeviceNode node, ManagedResources resources) {
        for (ReleaseFailure f : resources.releaseAll()) {
            log.error("device {}: release of managed resource {} failed: {}", node, f.name(), f.error().toString(),
                    f.error());
        }
    }

    private boolean matches(DeviceNode node, DriverEntry driver) {
        String override = node.override();
        if (override != null) {
            return override.equals(driver.info().name());
        }
        try {
            return node.subsystem().bus().match(node, driver.info());
        } catch (Exception | LinkageError e) {
            log.error("bus {}: match of {} against driver {} failed: {}", node.bus(), node, driver, e.toString(), e);
            return false;
        }
    }

    private List<DriverEntry> driversOf(String bus) {
        lock.lock();
        try {
            List<DriverEntry> onBus = new ArrayList<>(drivers.size()); // on every add: no stream
            for (DriverEntry d : drivers) {
                if (d.info().bus().equals(bus)) {
                    onBus.add(d);
                }
            }
            return onBus;
        } finally {
            lock.unlock();
        }
    }

    private List<DeviceNode> devicesOf(String bus) {
        lock.lock();
        try {
            Subsystem entry = buses.get(bus);
            return entry == null ? List.of() : List.copyOf(entry.devices.values());
        } finally {
            lock.unlock();
        }
    }

    private Subsystem busNamed(String name) {
        lock.lock();
        try {
            return buses.get(name);
        } finally {
            lock.unlock();
        }
    }

    private Subsystem requireBus(String name) {
        Subsystem bus = busNamed(name);
        if (bus == null) {
            throw new DriverModelException(Errno.ENOENT, "/bus/" + DriverModelException.quote(String.valueOf(name)), "no such bus");
        }
        return bus;
    }

    private DriverEntry requireDriver(String bus, String driver) {
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

    private DeviceNode requireDevice(String bus, String device) {
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
            classes.values().forEach(c -> all.addAll(c.devices.values()));
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
            // listed from the end of its first attach until the end of its unbinding
            return drivers.stream().filter(DriverEntry::listed).map(DriverEntry::info)
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
            DeviceNode node = switch (p.form()) {
                case TREE -> byPath.get(p.path());
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

    @Override
    public List<Device> boundDevices(String bus, String driver) {
        return requireDriver(bus, driver).claimed().stream().filter(d -> d.state() == DeviceState.BOUND)
                .map(Device.class::cast).sorted(BY_PATH).toList();
    }

    @Override
    public void bind(String bus, String driver, String device) {
        DriverEntry entry = requireDriver(bus, driver);
        DeviceNode node = requireDevice(bus, device);
        ProbeResult result;
        node.lock.lock();
        try {
            if (node.state() != DeviceState.UNBOUND) {
                throw new DriverModelException(Errno.EBUSY, node.path(), node.state() == DeviceState.REMOVED
                        ? "device was removed" : "bound to driver " + node.driverEntry());
            }
            result = tryProbe(node, entry);
        } finally {
            node.lock.unlock();
        }
        switch (result.outcome()) {
            case BOUND -> retryDeferred();
            case NO_MATCH -> throw new DriverModelException(Errno.ENODEV, node.path(),
                    "driver " + entry + " does not match the device");
            case DEFERRED -> throw new DriverModelException(Errno.EAGAIN, node.path(),
                    "driver " + entry + " deferred its probe");
            case REFUSED -> {
                Throwable why = result.cause();
                throw new DriverModelException(why instanceof DriverModelException d ? d.errno() : Errno.ENODEV,
                        node.path(), "driver " + entry + " refused the device: " + why, why);
            }
        }
    }

    @Override
    public void unbind(String bus, String driver, String device) {
        DriverEntry entry = requireDriver(bus, driver);
        DeviceNode node = requireDevice(bus, device);
        node.lock.lock();
        try {
            if (node.driverEntry() != entry || node.state() != DeviceState.BOUND) {
                throw new DriverModelException(Errno.ENODEV, node.path(), "not bound to driver " + entry);
            }
            release(node, DeviceState.UNBOUND);
        } finally {
            node.lock.unlock();
        }
    }

    @Override
    public void setDriverOverride(String device, String driver) {
        DeviceNode node = (DeviceNode) device(device);
        String value = driver == null ? "" : driver.endsWith("\n") ? driver.substring(0, driver.length() - 1) : driver;
        if (!value.isEmpty()) {
            Names.checkComponent(node.path() + "/driver_override", value);
        }
        node.lock.lock();
        try {
            node.setOverride(value.isEmpty() ? null : value);
        } finally {
            node.lock.unlock();
        }
        log.info("device {}: driver_override {}", node, value.isEmpty() ? "cleared" : "set to " + value);
    }

    @Override
    public boolean autoprobe(String bus) {
        return requireBus(bus).autoprobe;
    }

    @Override
    public void setAutoprobe(String bus, boolean on) {
        requireBus(bus).autoprobe = on;
        log.info("bus {}: drivers_autoprobe {}", bus, on ? 1 : 0);
    }

    @Override
    public AttributeFile open(String path) {
        return sysfs.tree().open(path);
    }

    @Override
    public List<String> list(String path) {
        return sysfs.tree().list(path);
    }

    @Override
    public Map<String, String> deferredDevices() {
        expireDeferred();
        return deferred.describe();
    }

    @Override
    public DeviceRef hold(String device) {
        return usage.hold(device, "driver core", r -> { });
    }

    @Override
    public UsagePin pin(String device, String reason) {
        return usage.pin(device, reason, "driver core", p -> { });
    }

    @Override
    public void manage(String bus, String driver, BundleAction action, boolean force) {
        usage.manage(requireDriver(bus, driver), action, force, "driver core");
    }

    @Override
    public LifetimeReport report() {
        return usage.report();
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

    /** @return every listed device node, ordered by path */
    List<DeviceNode> nodes() {
        lock.lock();
        try {
            return byPath.values().stream().sorted(BY_PATH).toList();
        } finally {
            lock.unlock();
        }
    }

    /** @see DriverCore#manage; the driver looked up as the public method does */
    DriverEntry driver(String bus, String driver) {
        return requireDriver(bus, driver);
    }

    @Override
    public boolean awaitProbes(java.time.Duration timeout) {
        return async.await(timeout);
    }
}
