package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Bus;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.api.Uevent;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.ManagedResources;
import org.osgi.service.log.Logger;

/**
 * Binding: device and driver arrival and departure, attach, probe, unbind, bus and class
 * retirement (Linux {@code drivers/base/dd.c} with the binding half of {@code core.c} and
 * {@code bus.c}).
 *
 * <h2>One way in, one way out</h2>
 * A binding ({@link Binding}) is made only by {@link #probe} and ended only by {@link #end}, the
 * one cleanup every cause shares — failed probe, manual unbind, driver stop, device removal, bus
 * stop — as {@code really_probe} unwinds into {@code device_unbind_cleanup}: revoke the pins,
 * drain and remove the driver's files, run the disconnects (upper layers let go), call
 * {@code remove} (only if the probe had succeeded, and at most once), release the managed
 * resources, drop the driver data, then the binding is over and every use of it gives ENODEV.
 * Every call into driver code crosses {@link DriverCall}, which contains any {@code Throwable},
 * so the cleanup always runs to its end.
 *
 * <h2>Locks</h2>
 * <ul>
 * <li>The model lock ({@link Registry#lock}) guards the registries only; never held while
 * calling a bus, a driver or the OSGi registry, and never while taking a device lock.</li>
 * <li>A device lock ({@link DeviceNode#lock}) is held across that device's probe and remove, and
 * may be held while the model lock is taken (a probe adding a child). A parent's device lock may
 * be held while a child's is taken (a class device going with its parent's binding), never the
 * other way round.</li>
 * <li>Every wait for a device lock on a removal path (driver stop, unplug, bus stop, pins,
 * management) is bounded by the drain deadline: past it, the holder (a probe stuck in driver
 * code) is named in the report and asked to end its binding when it returns
 * ({@link Binding#requestEnd}); the removal goes on. So a blocked probe holds up only its own
 * device.</li>
 * </ul>
 *
 * <h2>Re-entrant calls from driver code</h2>
 * A driver's probe or remove may call back into the core: unplug its own device (through its
 * bus), unbind it, or stop its own bundle. None of these runs recursively:
 * <ul>
 * <li>ending a binding from inside its own probe is deferred: the binding ends (remove once) as
 * soon as the probe returns; from inside its own remove it is a no-op (it is ending);</li>
 * <li>removing a device from inside a probe or remove of that device (or one under it) runs on
 * the core's deferred-work thread, which takes the device locks once the callback returned;</li>
 * <li>from inside a show or store, the thread's own calls on the files being removed are broken
 * out of the drain ({@code AttributeTree.breakOwnCalls}, as {@code removeSelf} does) and the
 * removal runs at once: it drains every other caller and does not wait for itself.</li>
 * </ul>
 *
 * <p>Every public mutator returns when the binding work it caused has finished (but for the
 * deferred cases above): {@code addDevice} after the probe, {@code removeDevice} after the
 * remove, {@code removeDriver} after every device bound to the driver has been unbound.
 */
final class Binder {
    private final Registry registry;
    private final SysfsLayout sysfs;
    private final DriverCall calls;
    private final Usage usage;
    private final UeventSink uevents;
    private final DeferredProbes deferred;
    private final AsyncProbes async;
    private final DeferredWork work;
    private final Supplier<CoreSettings> settings;
    private final Logger log;

    /** Deferred-probe retry: one pass at a time, and another if a bind happened during it. */
    private final AtomicBoolean retrying = new AtomicBoolean();
    private final AtomicBoolean retryAgain = new AtomicBoolean();

    Binder(Registry registry, SysfsLayout sysfs, DriverCall calls, Usage usage, UeventSink uevents,
            DeferredProbes deferred, AsyncProbes async, DeferredWork work, Supplier<CoreSettings> settings, Logger log) {
        this.registry = registry;
        this.sysfs = sysfs;
        this.calls = calls;
        this.usage = usage;
        this.uevents = uevents;
        this.deferred = deferred;
        this.async = async;
        this.work = work;
        this.settings = settings;
        this.log = log;
    }

    private Duration deadline() {
        return settings.get().drainTimeout();
    }

    // ---------------------------------------------------------------- buses and classes

    /** @return the handle the bus gets, its devices to be added through it */
    BusHandle attachBus(Bus bus, long bundleId, org.drivermodel.api.DriverCore core) {
        String name;
        try {
            name = Names.checkBusName(bus.name());
        } catch (DriverModelException e) {
            throw e;
        } catch (Throwable t) { // bus code
            throw new DriverModelException(Errno.EIO, "bundle " + bundleId, "bus name failed: " + DriverCall.describe(t));
        }
        Subsystem entry = Subsystem.bus(bus, name, bundleId);
        registry.addSubsystem(entry, s -> {
            sysfs.busAttached(s, core);
            registry.forDriversOf(name, d -> sysfs.driverAdded(d, core));
        });
        log.info("bus {}: attached (bundle {})", name, bundleId);
        return new BusHandle(this, entry);
    }

    /** Registers a class. */
    ClassHandle registerClass(String name, List<AttributeGroup<Device>> attributes) {
        Names.checkBusName(name);
        Subsystem entry = Subsystem.deviceClass(name, attributes == null ? List.of() : attributes);
        registry.addSubsystem(entry, sysfs::classRegistered);
        log.info("class {}: registered", name);
        return new ClassHandle(this, entry);
    }

    /**
     * Retires a bus or class: no device may be added from now on; every device is removed (its
     * driver unbound first), newest first; then its directories go. Drivers of a bus stay
     * registered and wait for it to come back. Idempotent.
     */
    void retire(Subsystem subsystem) {
        List<DeviceNode> nodes = registry.retire(subsystem);
        if (nodes == null) {
            return;
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            removeNode(nodes.get(i));
        }
        sysfs.subsystemRemoved(subsystem);
        registry.removeSubsystem(subsystem);
        log.info("{} {}: gone, {} device(s) removed", subsystem.kind().name().toLowerCase(), subsystem.name(),
                nodes.size());
    }

    // ---------------------------------------------------------------- drivers

    /**
     * Registers a driver and binds it to every unbound device of its bus that it matches.
     *
     * @throws DriverModelException EINVAL for a bad name, EEXIST if the bus has a driver of that name
     */
    DriverEntry addDriver(DriverInfo info, org.drivermodel.api.Driver driver, String bundle,
            org.drivermodel.api.DriverCore core) {
        Names.checkBusName(info.bus());
        Names.checkComponent("/bus/" + info.bus() + "/drivers", info.name());
        DriverEntry entry = new DriverEntry(info, driver, bundle);
        registry.addDriver(entry, d -> sysfs.driverAdded(d, core));
        log.info("driver {}: registered ({})", entry, bundle);
        Subsystem bus = registry.bus(info.bus());
        if (bus != null && bus.autoprobe) {
            boolean bound = false;
            for (DeviceNode node : registry.devicesOf(info.bus())) {
                if (!matches(node, entry)) {
                    // Linux __driver_attach: match first, with no lock, so a device whose lock is
                    // held for long (a stuck probe or remove) holds up only the drivers that match it
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
     * Unregisters a driver, totally: no device is bound to it from now on, every device bound to
     * it is unbound (its {@code remove} called) before this returns, whatever each unbind throws,
     * and its entry is gone, so a later generation registers under the same name. A device whose
     * lock a stuck probe holds past the deadline is named and left to its prober, which unwinds
     * the binding without calling the driver again when the probe returns.
     */
    void removeDriver(DriverEntry entry) {
        // Listed until its devices are unbound (Linux detaches, then unlinks): a tool that sees
        // the driver gone sees its devices unbound. Dying, it claims nothing meanwhile.
        int unbound = 0;
        try {
            sysfs.driverRemoved(entry);
            for (DeviceNode node : entry.kill()) {
                try {
                    if (endIfBoundTo(node, entry, Binding.Cause.DRIVER_GONE)) {
                        unbound++;
                    }
                } catch (Throwable t) { // a core bug: the other devices and the entry's removal go on
                    log.error("driver {}: unbinding {} failed: {}", entry, node, DriverCall.describe(t));
                }
            }
        } finally {
            registry.removeDriver(entry);
        }
        log.info("driver {}: unregistered, {} device(s) unbound", entry, unbound);
    }

    /**
     * Ends the node's binding if it is to {@code driver}, waiting for the device lock at most
     * the deadline each time. Past it, the holder is named and asked to end the binding when it
     * settles; if it settled meanwhile, the lock is waited for again.
     *
     * @return true if a binding to the driver was ended (or will be, by its stuck prober)
     */
    private boolean endIfBoundTo(DeviceNode node, DriverEntry driver, Binding.Cause cause) {
        boolean reported = false;
        for (;;) {
            if (node.lock.lockWithin(deadline())) {
                try {
                    Binding b = node.binding();
                    if (b == null || !b.isOf(driver)) {
                        return false;
                    }
                    end(b, cause);
                    return true;
                } finally {
                    node.lock.unlock();
                }
            }
            Binding b = node.binding();
            if (!reported) {
                reported = true;
                reportLockHeld(node, b, "the stop of driver " + driver.description());
            }
            if (b != null && b.isOf(driver) && b.requestEnd(Binding.Cause.ABANDONED)) {
                return true;
            }
            if (b == null && node.state() == DeviceState.REMOVED) {
                return false;
            }
        }
    }

    /**
     * Names the thread holding a device lock past the deadline (a hung-task report): the probe or
     * remove it is stuck in, once per binding (the watchdog may have named it already).
     */
    private void reportLockHeld(DeviceNode node, Binding b, String waiter) {
        Thread holder = node.lock.holder();
        if (holder == null || b == null) {
            log.warn("device {}: its lock, which {} waits for, was busy for {} ms (held by {})", node, waiter,
                    deadline().toMillis(), holder == null ? "nobody now" : "thread \"" + holder.getName() + "\"");
            return;
        }
        calls.stuck(b, b.bindingState() == Binding.State.PROBING ? "probe" : "remove", holder, holder.getState(),
                Arrays.asList(holder.getStackTrace()), deadline());
        log.warn("device {}: {} goes on without waiting longer for thread \"{}\"; the binding ends when it returns",
                node, waiter, holder.getName());
    }

    // ---------------------------------------------------------------- devices

    /** @see org.drivermodel.api.BusContext#addDevice(String, Map, Device) */
    Device addDevice(Subsystem subsystem, String name, Map<String, String> properties, Device parent) {
        Names.checkComponent(subsystem.path(), name);
        DeviceNode parentNode = null;
        if (parent != null) {
            Device p = parent instanceof Binding b ? b.device() : parent;
            if (!(p instanceof DeviceNode n)) {
                throw new DriverModelException(Errno.EINVAL, subsystem.path() + "/" + name,
                        "parent is not a device of this core");
            }
            parentNode = n;
        }
        DeviceNode node = new DeviceNode(subsystem, name, properties, parentNode);
        List<AttributeGroup<Device>> busGroups = busAttributes(subsystem);
        registry.addDevice(node, n -> {
            sysfs.deviceAdded(n, busGroups);
            // under the lock: no driver can bind the device (and post BIND) before ADD is queued
            uevents.emit(Uevent.ADD, n, null);
        });
        log.debug("device {}: added", node);
        if (subsystem.isBus() && subsystem.autoprobe) {
            attach(node);
        }
        return node;
    }

    /**
     * Adds a class device; one whose parent is given as a binding (a driver registering a disk in
     * its probe) belongs to that binding and goes when it ends.
     *
     * @see org.drivermodel.api.DeviceClass#addDevice
     */
    Device addClassDevice(Subsystem cls, String name, Map<String, String> properties, Device parent) {
        DeviceNode node = (DeviceNode) addDevice(cls, name, properties, parent);
        if (parent instanceof Binding b) {
            try {
                b.resources().add(cls.name() + "/" + name, () -> removeNode(node));
            } catch (DriverModelException e) {
                // the binding ended meanwhile (resources() refused, or add() released it at once):
                // the class device goes too, whichever it was
                removeNode(node);
                throw new DriverModelException(Errno.ENODEV, node.path(), "parent's driver was unbound", e);
            }
        }
        return node;
    }

    /** @see org.drivermodel.api.BusContext#removeDevice */
    void removeDevice(Subsystem subsystem, String name) {
        DeviceNode node = registry.deviceIn(subsystem, name);
        if (node == null || !removeNode(node)) {
            throw new DriverModelException(Errno.ENOENT, subsystem.path() + "/" + DriverModelException.quote(String.valueOf(name)),
                    "no such device");
        }
    }

    /**
     * Removes a device: its children first, newest first, then its files (drained), then its
     * binding ends, then it is removed and its references are revoked and waited for.
     *
     * @return false if another thread removed it first
     */
    boolean removeNode(DeviceNode node) {
        if (DriverCall.insideWithin(node)) {
            // from inside a probe or remove of this device or one under it: this thread holds that
            // device lock; the removal runs once the callback has returned
            if (node.state() == DeviceState.REMOVED) {
                return false;
            }
            log.debug("device {}: removal from inside its driver's callback, deferred until it returns", node);
            work.submit(() -> removeNode(node));
            return true;
        }
        List<DeviceNode> children = registry.unlist(node);
        if (children == null) {
            return false;
        }
        for (int i = children.size() - 1; i >= 0; i--) {
            removeNode(children.get(i));
        }
        sysfs.tree().breakOwnCalls(node.path()); // a store removing its own device: do not wait for itself
        sysfs.deviceRemoved(node, driverOf(node));
        removeBinding(node);
        deferred.forget(node);
        registry.dropChild(node);
        log.debug("device {}: removed", node);
        uevents.emit(Uevent.REMOVE, node, null);
        usage.awaitReferences(node);
        return true;
    }

    private static DriverEntry driverOf(DeviceNode node) {
        Binding b = node.binding();
        return b == null ? null : b.driverOrNull();
    }

    /** Ends a removed device's binding and marks it removed, bounded as {@link #endIfBoundTo} is. */
    private void removeBinding(DeviceNode node) {
        boolean reported = false;
        for (;;) {
            if (node.lock.lockWithin(deadline())) {
                try {
                    Binding b = node.binding();
                    if (b != null) {
                        end(b, Binding.Cause.DEVICE_GONE);
                    } else {
                        node.setState(DeviceState.REMOVED, null);
                    }
                    return;
                } finally {
                    node.lock.unlock();
                }
            }
            Binding b = node.binding();
            if (!reported) {
                reported = true;
                reportLockHeld(node, b, "the removal of " + node);
            }
            if (b != null && b.requestEnd(Binding.Cause.DEVICE_GONE)) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- attach and probe

    /** Probes one driver for a device if the device is unbound; true if it bound. */
    private boolean probeIfUnbound(DeviceNode node, DriverEntry driver) {
        node.lock.lock();
        try {
            return node.state() == DeviceState.UNBOUND && probe(node, driver).is(ProbeResult.Outcome.BOUND);
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
        for (DriverEntry d : registry.driversOf(node.bus())) {
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
        List<DriverEntry> candidates = registry.driversOf(node.bus());
        node.lock.lock();
        try {
            for (DriverEntry d : candidates) {
                if (node.state() != DeviceState.UNBOUND) {
                    return ProbeResult.NO_MATCH;
                }
                ProbeResult r = probe(node, d);
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
     * dependency may just have arrived). Runs on the caller's thread, holding no lock; a pass
     * already running elsewhere is told to run once more instead.
     */
    void retryDeferred() {
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

    void expireDeferred() {
        deferred.expire(settings.get().deferredProbeTimeout()).forEach((node, reason) -> log.warn(
                "device {}: deferred probe timeout, giving up: {}", node, reason));
    }

    /**
     * The one way in: matches and, on a match, makes a binding and probes. Context: the device
     * lock is held, the device unbound.
     */
    ProbeResult probe(DeviceNode node, DriverEntry driver) {
        if (!matches(node, driver) || !driver.claim(node)) {
            return ProbeResult.NO_MATCH;
        }
        Binding b = begin(node, driver);
        Throwable failure = calls.probe(b);
        if (failure == null && settings.get().testDriverRemove()) {
            // Linux DEBUG_TEST_DRIVER_REMOVE: unbind at once, then probe a new binding
            Binding.Cause asked = b.settle();
            end(b, asked != null ? asked : Binding.Cause.UNBIND);
            if (asked != null) {
                return ProbeResult.refused(Errno.ENODEV, "binding ended during its probe (" + asked + ")");
            }
            if (!driver.claim(node)) {
                return ProbeResult.NO_MATCH;
            }
            b = begin(node, driver);
            failure = calls.probe(b);
        }
        if (failure != null) {
            end(b, Binding.Cause.PROBE_FAILED);
            Errno errno = DriverCall.errno(failure);
            String why = DriverCall.describe(failure);
            if (errno == Errno.EPROBE_DEFER) {
                deferred.defer(node, driver + ": " + (failure instanceof DriverModelException d ? d.getMessage() : why));
                log.info("device {}: driver {} deferred its probe: {}", node, driver, why);
                return ProbeResult.deferred(errno, why);
            }
            log.warn("device {}: probe of driver {} failed: {}", node, driver, why);
            usage.leaks().record(Leak.Kind.PROBE, node.path(), List.of(driver.bundle()),
                    "probe of " + node.path() + " with driver " + driver.description() + " failed with error -"
                            + errno.number() + " (" + errno.name() + "): " + why + "\n" + DriverCall.stackText(failure));
            return ProbeResult.refused(errno, why);
        }
        Binding probed = b;
        List<AttributeGroup<BoundDevice>> groups = calls.groups(probed);
        if (groups == null) {
            end(b, Binding.Cause.FILES_FAILED);
            return ProbeResult.refused(Errno.EIO, "its deviceAttributes() failed");
        }
        try {
            if (!registry.publishIfListed(node, () -> sysfs.driverBound(node, probed, groups))) {
                b.requestEnd(Binding.Cause.DEVICE_GONE); // removed while it probed: its directory is gone
            }
            b.setGroups(groups);
        } catch (DriverModelException e) {
            // Linux really_probe: dev_groups that cannot be added fail the probe
            log.warn("device {}: attributes of driver {} refused, unbinding: {}", node, driver, e.getMessage());
            end(b, Binding.Cause.FILES_FAILED);
            return ProbeResult.refused(e.errno(), e.getMessage());
        }
        Binding.Cause asked = b.settle();
        if (asked != null) { // ended from inside its own probe, or by a removal that gave up waiting
            end(b, asked);
            return ProbeResult.refused(Errno.ENODEV, "binding ended during its probe (" + asked + ")");
        }
        b.moveTo(Binding.State.BOUND);
        node.setState(DeviceState.BOUND, b);
        deferred.forget(node);
        log.debug("device {}: bound to driver {}", node, driver);
        uevents.emit(Uevent.BIND, node, driver.info().name());
        return ProbeResult.BOUND;
    }

    /** Makes a new binding in PROBING. Context: the device lock is held, the driver claimed the device. */
    private Binding begin(DeviceNode node, DriverEntry driver) {
        Binding b = new Binding(node, driver, node.nextGeneration(), this);
        node.setState(DeviceState.PROBING, b);
        return b;
    }

    /**
     * The one way out: ends a binding, for any cause. Runs to its end whatever driver code does:
     * each step is contained. From inside the binding's own probe it only asks for the end (the
     * probe's caller ends it when the probe returns); from inside its own remove it does nothing
     * (the binding is ending). Context: the device lock is held; the binding is the device's.
     */
    void end(Binding b, Binding.Cause cause) {
        DeviceNode node = b.node();
        assert node.lock.isHeldByCurrentThread();
        DriverCall.Kind inside = DriverCall.insideOf(b);
        if (inside == DriverCall.Kind.PROBE) {
            b.requestEnd(cause);
            log.debug("device {}: end of its binding from inside its probe, deferred until it returns", node);
            return;
        }
        if (inside == DriverCall.Kind.REMOVE || b.bindingState() == Binding.State.UNBINDING
                || b.bindingState() == Binding.State.UNBOUND) {
            return; // ending already, further out on this thread
        }
        boolean probed = b.bindingState() == Binding.State.BOUND || cause != Binding.Cause.PROBE_FAILED;
        boolean callDriver = cause != Binding.Cause.ABANDONED && b.asked() != Binding.Cause.ABANDONED;
        b.moveTo(Binding.State.UNBINDING);
        node.setState(DeviceState.UNBINDING, b);
        DriverEntry driver = b.driverEntry();
        step(node, "revoking pins", () -> usage.bindingEnding(b));
        if (cause != Binding.Cause.DEVICE_GONE) { // else they went with the device's directory, drained
            step(node, "removing the driver's files", () -> {
                sysfs.tree().breakOwnCalls(node.path());
                sysfs.driverUnbinding(node, b, b.groups());
            });
        }
        b.setGroups(List.of());
        ManagedResources disconnects = b.takeDisconnects();
        if (disconnects != null) { // upper layers let go first, so remove finds no user left
            step(node, "disconnecting", () -> calls.release(b, disconnects, "disconnect"));
        }
        if (probed && callDriver) {
            calls.remove(b);
        }
        step(node, "releasing managed resources", () -> calls.release(b, b.managedResources(), "resource"));
        b.clearDriverData();
        driver.unclaim(node);
        Binding.Cause late = b.settle(); // a removal that gave up waiting while this ran
        boolean removed = cause == Binding.Cause.DEVICE_GONE || late == Binding.Cause.DEVICE_GONE;
        b.moveTo(Binding.State.UNBOUND);
        if (probed) {
            node.setLastBinding(driver.description());
        }
        node.setState(removed ? DeviceState.REMOVED : DeviceState.UNBOUND, null);
        if (probed) {
            log.debug("device {}: unbound from driver {} ({})", node, driver, cause);
            uevents.emit(Uevent.UNBIND, node, driver.info().name());
        }
    }

    /** Runs a step of the cleanup: a core failure in it is logged and the cleanup goes on. */
    private void step(DeviceNode node, String what, Runnable step) {
        try {
            step.run();
        } catch (Throwable t) {
            log.error("device {}: {} failed, the unbind goes on: {}", node, what, DriverCall.describe(t));
        }
    }

    // ---------------------------------------------------------------- manual binding

    /** @see org.drivermodel.api.DriverCore#bind */
    ProbeResult bind(DriverEntry entry, DeviceNode node) {
        if (!node.lock.lockWithin(deadline())) {
            throw new DriverModelException(Errno.EBUSY, node.path(), "its probe or remove has not returned within "
                    + deadline().toMillis() + " ms");
        }
        try {
            if (node.state() != DeviceState.UNBOUND) {
                Binding b = node.binding();
                throw new DriverModelException(Errno.EBUSY, node.path(), node.state() == DeviceState.REMOVED
                        ? "device was removed" : "bound to driver " + (b == null ? "?" : b.driverDescription()));
            }
            return probe(node, entry);
        } finally {
            node.lock.unlock();
        }
    }

    /** @see org.drivermodel.api.DriverCore#unbind */
    void unbind(DriverEntry entry, DeviceNode node) {
        if (!node.lock.lockWithin(deadline())) {
            throw new DriverModelException(Errno.EBUSY, node.path(), "its probe or remove has not returned within "
                    + deadline().toMillis() + " ms");
        }
        try {
            Binding b = node.binding();
            if (b == null || !b.isOf(entry) || (node.state() != DeviceState.BOUND
                    && DriverCall.insideOf(b) != DriverCall.Kind.PROBE)) {
                throw new DriverModelException(Errno.ENODEV, node.path(), "not bound to driver " + entry);
            }
            end(b, Binding.Cause.UNBIND);
        } finally {
            node.lock.unlock();
        }
    }

    // ---------------------------------------------------------------- attribute groups of a binding

    /** @see BoundDevice#addAttributes */
    void addAttributes(Binding b, AttributeGroup<BoundDevice> group) {
        DeviceNode node = b.node();
        if (group == null) {
            throw new DriverModelException(Errno.EINVAL, node.path(), "null attribute group");
        }
        if (!b.isLive()) {
            throw lateRegistration(b, group, "its binding has ended");
        }
        List<AttributeGroup<BoundDevice>> groups = List.of(group);
        try {
            if (!registry.publishIfListed(node,
                    () -> sysfs.attributesAdded(node, b, groups, b.bindingState() != Binding.State.PROBING))) {
                throw lateRegistration(b, group, "its device was removed");
            }
        } catch (DriverModelException e) {
            if (e.errno() == Errno.ENOENT && !b.isLive()) { // the device went meanwhile
                throw lateRegistration(b, group, "its binding has ended");
            }
            throw e;
        }
        try {
            // drained and removed with the binding's other files, before remove
            b.addDisconnect("attributes " + group.name().orElse("") + names(group),
                    () -> sysfs.attributesRemoved(node, b, groups));
        } catch (DriverModelException e) {
            sysfs.attributesRemoved(node, b, groups);
            throw lateRegistration(b, group, "its binding is ending");
        }
    }

    private static List<String> names(AttributeGroup<?> group) {
        return group.attributes().stream().map(Attribute::name).toList();
    }

    /** Records a registration after the binding ended and returns its ENODEV. Context: any thread, no lock held. */
    private DriverModelException lateRegistration(Binding b, AttributeGroup<BoundDevice> group, String why) {
        DeviceNode node = b.node();
        Thread t = Thread.currentThread();
        String caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .dropWhile(f -> f.getDeclaringClass() == Binder.class || f.getDeclaringClass() == Binding.class)
                .findFirst().map(f -> f.toStackTraceElement().toString()).orElse("(unknown)"));
        String name = group.name().orElse("(unnamed)");
        String files = names(group).toString();
        usage.leaks().record(Leak.Kind.REGISTRATION, node.path(), List.of(t.getName()),
                "attribute group " + name + " " + files + " for " + node + " refused with ENODEV: " + why
                        + " (binding " + b.generation() + " of driver " + b.driverDescription() + ")"
                        + "; called by thread \"" + t.getName() + "\" at " + caller);
        return new DriverModelException(Errno.ENODEV, node.path(), "attribute group " + name + " " + files + " refused: "
                + why + " (binding " + b.generation() + "; a registration after remove)");
    }

    // ---------------------------------------------------------------- helpers

    /** @return the bus's device attributes; a bus that fails to give them gets none (logged) */
    private List<AttributeGroup<Device>> busAttributes(Subsystem subsystem) {
        if (!subsystem.isBus()) {
            return subsystem.classAttributes();
        }
        try {
            return List.copyOf(subsystem.bus().deviceAttributes());
        } catch (Throwable t) { // bus code
            log.error("bus {}: device attributes failed: {}", subsystem.name(), DriverCall.describe(t));
            return List.of();
        }
    }

    boolean matches(DeviceNode node, DriverEntry driver) {
        String override = node.override();
        if (override != null) {
            return override.equals(driver.info().name());
        }
        return calls.match(node.subsystem().bus(), node, driver);
    }

    /** Context: the device lock must be taken within the deadline, for override changes. */
    void setOverride(DeviceNode node, String value) {
        if (!node.lock.lockWithin(deadline())) {
            throw new DriverModelException(Errno.EBUSY, node.path(), "its probe or remove has not returned within "
                    + deadline().toMillis() + " ms");
        }
        try {
            node.setOverride(value);
        } finally {
            node.lock.unlock();
        }
    }
}
