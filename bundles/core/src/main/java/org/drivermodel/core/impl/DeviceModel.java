package org.drivermodel.core.impl;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.drivermodel.api.AccessMode;
import org.drivermodel.api.AttributeDirectory;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.BundleAction;
import org.drivermodel.api.Bus;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceClass;
import org.drivermodel.api.DeviceRef;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.api.FileStat;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.api.UsagePin;
import org.drivermodel.core.impl.sysfs.AttributeTree;
import org.drivermodel.core.impl.sysfs.CallFaults;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.primitives.RefTracking;
import org.osgi.service.log.Logger;

/**
 * The device model: the {@link DriverCore} the management side sees, and the wiring of its
 * parts. Plain Java: the OSGi side ({@link BusTracker}, {@link DriverTracker}) calls it. Each
 * concept lives in its own class:
 * <ul>
 * <li>{@link Registry}: buses, classes, drivers and devices, and the model lock;</li>
 * <li>{@link Hotplug}: devices, drivers, buses and classes coming and going;</li>
 * <li>{@link Binder}: attach, probe, unbind (the one way in and the one way out of a
 * {@link Binding});</li>
 * <li>{@link DriverCall}: the boundary around every call into driver code;</li>
 * <li>{@link SysfsLayout} over the {@link AttributeTree}: the attribute tree's layout;</li>
 * <li>{@link Usage}: references, pins, management and the lifetime report.</li>
 * </ul>
 * The design (the lock order, the binding, the boundary) is written down in docs/design.md; the
 * lock order in its §3.
 *
 * <p>Concurrency: the parts are thread-safe; this class holds only {@link #settings}
 * (volatile, replaced whole).
 */
final class DeviceModel implements DriverCore {
    private final Logger log;
    private final Registry registry = new Registry();
    private final SysfsLayout sysfs;
    private final Usage usage;
    private final Binder binder;
    private final Hotplug hotplug;
    private final DeferredProbes deferred;
    private final AsyncProbes async;
    private final DeferredWork work;
    private final CallWatchdog watchdog = new CallWatchdog();
    private volatile CoreSettings settings; /* replaced whole by configure() */

    DeviceModel(Logger log) {
        this(log, CoreSettings.DEFAULTS, System::nanoTime, UeventSink.NONE);
    }

    DeviceModel(Logger log, CoreSettings settings, LongSupplier nanoClock, UeventSink uevents) {
        this.log = log;
        this.settings = settings;
        RefTracking.setGlobal(settings.refTracking());
        this.deferred = new DeferredProbes(nanoClock);
        LeakHistory leaks = new LeakHistory(log, Clock.systemUTC());
        DriverCall calls = new DriverCall(log, leaks, watchdog, () -> this.settings.drainTimeout());
        AttributeTree tree = new AttributeTree(settings.drainTimeout(), new AttributeFaults(calls, log));
        this.sysfs = new SysfsLayout(tree, () -> this.settings.drainTimeout(), leaks, this, uevents);
        this.usage = new Usage(registry, log, leaks, uevents, () -> this.settings);
        this.async = new AsyncProbes(log, Math.max(2, Runtime.getRuntime().availableProcessors()));
        this.work = new DeferredWork(log);
        this.binder = new Binder(registry, sysfs, calls, usage, uevents, deferred, async, () -> this.settings, log);
        this.hotplug = new Hotplug(registry, sysfs, binder, calls, usage, uevents, deferred, async, work, () -> this.settings,
                log);
    }

    /** Stops the probe and deferred-work threads (queued work still runs). Context: the core stopping, after its trackers closed. */
    void close() {
        async.shutdown();
        work.shutdown();
        watchdog.shutdown();
    }

    /** @return who uses what: references, pins, management, the lifetime report */
    Usage usage() {
        return usage;
    }

    /** @return the settings in force */
    CoreSettings settings() {
        return settings;
    }

    /** Applies new settings; what is in progress finishes under the old ones. */
    void configure(CoreSettings newSettings) {
        settings = newSettings;
        RefTracking.setGlobal(newSettings.refTracking());
        log.info("settings: {}", newSettings);
    }

    // ---------------------------------------------------------------- the OSGi side's entries

    /**
     * Registers a bus. The caller then hands the returned context to {@link Bus#attach}.
     *
     * @throws DriverModelException EINVAL for a bad name, EEXIST if a bus of that name is attached
     */
    BusHandle attachBus(Bus bus, long bundleId) {
        return hotplug.attachBus(bus, bundleId, this);
    }

    /** Detaches a bus: every device is removed, its driver unbound first, newest first. */
    void detachBus(BusHandle bus) {
        hotplug.retire(bus.subsystem());
    }

    /**
     * Registers a driver and binds it to every unbound device of its bus that it matches.
     *
     * @throws DriverModelException EINVAL for a bad name, EEXIST if the bus has a driver of that name
     */
    DriverEntry addDriver(DriverInfo info, org.drivermodel.api.Driver driver) {
        return hotplug.addDriver(info, driver, usage.bundles().describe(info.bundleId()), this);
    }

    /** Unregisters a driver, totally; see {@link Hotplug#removeDriver}. */
    void removeDriver(DriverEntry entry) {
        hotplug.removeDriver(entry);
    }

    /** @see DriverCore#manage; the driver looked up as the public method does */
    DriverEntry driver(String bus, String driver) {
        return registry.requireDriver(bus, driver);
    }

    // ---------------------------------------------------------------- DriverCore

    @Override
    public List<String> buses() {
        return registry.busNames();
    }

    @Override
    public List<Device> devices() {
        return registry.devices();
    }

    @Override
    public List<DriverInfo> drivers() {
        return registry.listedDrivers();
    }

    @Override
    public Device device(String pathOrName) {
        return registry.device(pathOrName);
    }

    @Override
    public List<Device> boundDevices(String bus, String driver) {
        return List.copyOf(Registry.sortedByPath(registry.requireDriver(bus, driver).claimed().stream()
                .filter(d -> d.state() == DeviceState.BOUND).map(Device.class::cast).toList()));
    }

    @Override
    public void bind(String bus, String driver, String device) {
        DriverEntry entry = registry.requireDriver(bus, driver);
        DeviceNode node = registry.requireDeviceToBind(bus, device);
        ProbeResult result = binder.bind(entry, node);
        switch (result.outcome()) {
            case BOUND -> binder.retryDeferred();
            case NO_MATCH -> throw new DriverModelException(Errno.ENODEV, node.path(),
                    "driver " + entry + " does not match the device");
            case DEFERRED -> throw new DriverModelException(Errno.EAGAIN, node.path(),
                    "driver " + entry + " deferred its probe");
            case REFUSED -> throw new DriverModelException(result.errno() == Errno.EPROBE_DEFER ? Errno.EAGAIN : result.errno(),
                    node.path(), "driver " + entry + " refused the device: " + result.reason());
        }
    }

    @Override
    public void unbind(String bus, String driver, String device) {
        binder.unbind(registry.requireDriver(bus, driver), registry.requireDeviceToBind(bus, device));
    }

    @Override
    public void setDriverOverride(String device, String driver) {
        DeviceNode node = registry.device(device);
        String value = driver == null ? "" : driver.endsWith("\n") ? driver.substring(0, driver.length() - 1) : driver;
        if (!value.isEmpty()) {
            Names.checkComponent(node.path() + "/driver_override", value);
        }
        binder.setOverride(node, value.isEmpty() ? null : value);
        log.info("device {}: driver_override {}", node, value.isEmpty() ? "cleared" : "set to " + value);
    }

    @Override
    public boolean autoprobe(String bus) {
        return registry.requireBus(bus).autoprobe;
    }

    @Override
    public void setAutoprobe(String bus, boolean on) {
        registry.requireBus(bus).autoprobe = on;
        log.info("bus {}: drivers_autoprobe {}", bus, on ? 1 : 0);
    }

    @Override
    public AttributeFile open(String path) {
        return sysfs.tree().open(path);
    }

    @Override
    public AttributeFile open(String path, AccessMode mode) {
        if (mode == null) {
            throw new DriverModelException(Errno.EINVAL, DriverModelException.quote(String.valueOf(path)), "null access mode");
        }
        return sysfs.tree().open(path, mode);
    }

    @Override
    public List<String> list(String path) {
        return sysfs.tree().list(path);
    }

    @Override
    public AttributeDirectory openDirectory(String path) {
        return sysfs.tree().openDirectory(path);
    }

    @Override
    public FileStat stat(String path) {
        return sysfs.tree().stat(path);
    }

    @Override
    public DeviceClass registerClass(String name, List<AttributeGroup<Device>> attributes) {
        return hotplug.registerClass(name, attributes);
    }

    @Override
    public List<String> classes() {
        return registry.classNames();
    }

    @Override
    public Map<String, String> deferredDevices() {
        binder.expireDeferred();
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
        usage.manage(registry.requireDriver(bus, driver), action, force, "driver core");
    }

    @Override
    public LifetimeReport report() {
        return usage.report();
    }

    @Override
    public boolean awaitProbes(Duration timeout) {
        return async.await(timeout);
    }

    /**
     * The attribute tree's callback faults, reported against the binding whose file it was (the
     * driver's), or logged for the core's and buses' own files.
     */
    private record AttributeFaults(DriverCall calls, Logger log) implements CallFaults {
        @Override
        public void fault(String path, Object owner, String op, Throwable t) {
            if (owner instanceof Binding b) {
                calls.attributeFault(b, path, op, t);
            } else {
                log.error("{} of {} threw: {}", op, path, DriverCall.describe(t));
            }
        }

        @Override
        public void oversized(String path, Object owner, int length) {
            if (owner instanceof Binding b) {
                calls.oversized(b, path, length);
            } else {
                log.warn("show of {} returned {} characters, more than a page: truncated", path, length);
            }
        }

        @Override
        public Runnable unprotected(String path, Object owner) {
            DriverEntry d = owner instanceof Binding b ? b.driverOrNull() : null;
            if (d == null) {
                return null;
            }
            Thread self = Thread.currentThread();
            d.unprotectedCallStarted(self); // its driver's removal waits for it
            return () -> d.unprotectedCallEnded(self);
        }
    }

    /** @return the binding a driver received, as the node it is of; for tests */
    static DeviceNode nodeOf(BoundDevice device) {
        return ((Binding) device).node();
    }
}
