package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.Bus;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.api.Uevent;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.osgi.service.log.Logger;

/**
 * Devices, drivers, buses and classes coming and going (Linux {@code drivers/base/core.c}'s
 * {@code device_add}/{@code device_del} and {@code bus.c}'s {@code bus_add_driver}/
 * {@code bus_remove_driver}): it lists and unlists them in the {@link Registry}, lays out their
 * files, and has the {@link Binder} bind and unbind them.
 *
 * <h2>Bounded waits (docs/design.md §4.7)</h2>
 * A removal (driver stop, unplug, bus stop) waits for a device lock at most the drain deadline.
 * Past it, the holder (a probe stuck in driver code) is named in the report and asked to end its
 * binding when it returns ({@link Binding#requestEnd}); the removal goes on. If the holder
 * settled the binding meanwhile, the lock is waited for again (it is about to be let go). So a
 * blocked probe holds up only its own device. A holder with no binding the removal may end (one
 * that is matching, or, for a driver's stop, another driver's probe) is waited for again, a
 * deadline at a time.
 *
 * <p>Every mutator returns when the binding work it caused has finished (but for a removal asked
 * for from inside the device's own probe or remove, which runs once that callback returned):
 * {@code addDevice} after the probe (or, for a driver that prefers asynchronous probing, once it
 * is queued), {@code removeDevice} after the remove, {@code removeDriver} after every device
 * bound to the driver has been unbound (a binding whose stuck probe it abandoned ends when that
 * probe returns). Lock order: docs/design.md §3.
 */
final class Hotplug {
    private final Registry registry;
    private final SysfsLayout sysfs;
    private final Binder binder;
    private final DriverCall calls;
    private final Usage usage;
    private final UeventSink uevents;
    private final DeferredProbes deferred;
    private final AsyncProbes async;
    private final DeferredWork work;
    private final Supplier<CoreSettings> settings;
    private final Logger log;
    private final BiConsumer<DeviceNode, List<AttributeGroup<Device>>> publishAdded = this::publishAdded; /* made once: a plug allocates no closure */

    Hotplug(Registry registry, SysfsLayout sysfs, Binder binder, DriverCall calls, Usage usage, UeventSink uevents,
            DeferredProbes deferred, AsyncProbes async, DeferredWork work, Supplier<CoreSettings> settings, Logger log) {
        this.registry = registry;
        this.sysfs = sysfs;
        this.binder = binder;
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
                if (!binder.matches(node, entry)) {
                    // Linux __driver_attach: match first, with no lock, so a device whose lock is
                    // held for long (a stuck probe or remove) holds up only the drivers that match it
                    continue;
                }
                if (entry.asyncProbe()) {
                    async.submit(() -> {
                        if (binder.probeIfUnbound(node, entry)) {
                            binder.retryDeferred();
                        }
                    });
                } else {
                    bound |= binder.probeIfUnbound(node, entry);
                }
            }
            if (bound) {
                binder.retryDeferred();
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
        // a store that unplugged or unbound its own device runs on outside any drain: the
        // driver's code is not done with until it returns
        List<String> still = entry.awaitUnprotectedCalls(deadline());
        if (!still.isEmpty()) {
            log.warn("driver {}: its store(s) on thread(s) {} that ended their own binding still run after {} ms", entry,
                    still, deadline().toMillis());
        }
        log.info("driver {}: unregistered, {} device(s) unbound", entry, unbound);
    }

    /**
     * Ends the node's binding if it is to {@code driver}, bounded as {@link #underDeviceLock} is:
     * a prober stuck past the deadline is asked to end its binding when it settles.
     *
     * @return true if a binding to the driver was ended (or will be, by its stuck prober)
     */
    private boolean endIfBoundTo(DeviceNode node, DriverEntry driver, Binding.Cause cause) {
        return underDeviceLock(node, () -> "the stop of driver " + driver.description(), () -> {
            Binding b = node.binding();
            if (b == null || !b.isOf(driver)) {
                return false;
            }
            binder.end(b, cause);
            return true;
        }, b -> {
            if (b != null && b.isOf(driver) && b.requestEnd(Binding.Cause.ABANDONED)) {
                return true;
            }
            return b == null && node.state() == DeviceState.REMOVED ? false : null;
        });
    }

    /**
     * Runs {@code locked} under the device lock, waiting for it at most the deadline each time.
     * Past it, the holder is named once (a hung-task report, saying who waits: {@code waiter}) and
     * {@code stuck} is asked, with the binding the holder is stuck in: its answer ends the wait, or
     * null waits again (the holder settled meanwhile, or cannot be asked).
     *
     * <p>Context: no core lock held. {@code locked} may end a binding, and so call the driver's
     * {@code remove}, under the device lock, as Linux calls it under {@code device_lock}.
     */
    private <T> T underDeviceLock(DeviceNode node, Supplier<String> waiter, Supplier<T> locked,
            Function<Binding, T> stuck) {
        boolean reported = false;
        for (;;) {
            registry.assertNotLocked(); // lock order: no device lock under the model lock
            if (node.lockWithin(deadline())) {
                try {
                    return locked.get();
                } finally {
                    node.unlock();
                }
            }
            Binding b = node.binding();
            if (!reported) {
                reported = true;
                reportLockHeld(node, b, waiter.get());
            }
            T answer = stuck.apply(b);
            if (answer != null) {
                return answer;
            }
        }
    }

    /**
     * Names the thread holding a device lock past the deadline (a hung-task report): the probe or
     * remove it is stuck in, once per binding (the watchdog may have named it already).
     */
    private void reportLockHeld(DeviceNode node, Binding b, String waiter) {
        Thread holder = node.holder();
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

    /**
     * Publishes a device being listed: its directory with its bus's files, then its ADD uevent.
     * Context: the model lock is held ({@link Registry#addDevice}), so no driver can bind the
     * device (and post BIND) before ADD is queued.
     */
    private void publishAdded(DeviceNode node, List<AttributeGroup<Device>> busGroups) {
        sysfs.deviceAdded(node, busGroups);
        uevents.emit(Uevent.ADD, node, null);
    }

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
        registry.addDevice(node, busGroups, publishAdded);
        log.debug("device {}: added", node);
        if (subsystem.isBus() && subsystem.autoprobe) {
            binder.attach(node);
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
        sysfs.breakOwnCalls(node); // a store removing its own device: do not wait for itself
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

    /** Ends a removed device's binding and marks it removed, bounded as {@link #underDeviceLock} is. */
    private void removeBinding(DeviceNode node) {
        underDeviceLock(node, () -> "the removal of " + node, () -> {
            Binding b = node.binding();
            if (b != null) {
                binder.end(b, Binding.Cause.DEVICE_GONE);
            } else {
                node.setState(DeviceState.REMOVED, null);
            }
            return true;
        }, b -> b != null && b.requestEnd(Binding.Cause.DEVICE_GONE) ? true : null);
    }

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

}
