package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.api.Uevent;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.ManagedResources;
import org.osgi.service.log.Logger;

/**
 * Binding (Linux {@code drivers/base/dd.c}): attach, probe, unbind, deferred probing, manual
 * binding, and a binding's own attribute groups. {@link Hotplug} calls it as devices, drivers
 * and buses come and go.
 *
 * <h2>One way in, one way out (docs/design.md §4)</h2>
 * A binding ({@link Binding}) is made only by {@link #probe} and ended only by {@link #end}, the
 * one cleanup every cause shares — failed probe, manual unbind, driver stop, device removal, bus
 * stop — as {@code really_probe} unwinds into {@code device_unbind_cleanup}: revoke the pins,
 * drain and remove the driver's files, run the disconnects (upper layers let go), call
 * {@code remove} (only if the probe had succeeded, and at most once), release the managed
 * resources, drop the driver data, then the binding is over and every use of it gives ENODEV.
 * Every call into driver code crosses {@link DriverCall}, which contains any {@code Throwable},
 * so the cleanup always runs to its end.
 *
 * <h2>Locks (the order is written down in docs/design.md §3)</h2>
 * <ul>
 * <li>The model lock ({@link Registry#lock}) guards the registries only; never held while
 * calling a bus, a driver or the OSGi registry, and never while taking a device lock
 * ({@link Registry#assertNotLocked}).</li>
 * <li>A device lock ({@link DeviceNode#lock}) is held across that device's probe and its
 * binding's end, and may be held while the model lock is taken (a probe adding a device, a
 * binding publishing its files). A parent's device lock may be held while a child's is taken (a
 * probe adding a child device on a bus probes it at once; a class device goes with its parent's
 * binding); the core never takes them the other way round, but driver code calling the core
 * from its probe or remove may take another device's lock under its own.</li>
 * <li>Every wait for a device lock is bounded by the drain deadline: an attach skips the device,
 * manual bind and unbind, override and pins answer EBUSY, and a removal hands the end to the
 * holder or waits another round; see {@link Hotplug}.</li>
 * </ul>
 *
 * <h2>Re-entrant calls from driver code (docs/design.md §6)</h2>
 * A driver's probe or remove may call back into the core: unplug its own device (through its
 * bus), unbind it, or stop its own bundle. None of these runs recursively:
 * <ul>
 * <li>ending a binding from inside its own probe is deferred: the binding ends (remove once) as
 * soon as the probe returns; from inside its own remove it is a no-op (it is ending);</li>
 * <li>removing a device from inside a probe or remove of that device (or one under it) runs on
 * the core's deferred-work thread, which takes the device locks once the callback returned
 * ({@link Hotplug#removeNode});</li>
 * <li>from inside a show or store, the thread's own calls on the files being removed are broken
 * out of the drain ({@code AttributeTree.breakOwnCalls}, as {@code removeSelf} does) and the
 * removal runs at once: it drains every other caller and does not wait for itself.</li>
 * </ul>
 */
final class Binder {
    private final Registry registry;
    private final SysfsLayout sysfs;
    private final DriverCall calls;
    private final Usage usage;
    private final UeventSink uevents;
    private final DeferredProbes deferred;
    private final AsyncProbes async;
    private final Supplier<CoreSettings> settings;
    private final Logger log;

    /** Deferred-probe retry: one pass at a time, and another if a bind happened during it. */
    private final AtomicBoolean retrying = new AtomicBoolean();
    private final AtomicBoolean retryAgain = new AtomicBoolean();
    /** A bound driver's files and link into its device's directory; made once: a bind allocates no closure */
    private final BiConsumer<Binding, List<AttributeGroup<BoundDevice>>> publishBound = this::publishBound;

    Binder(Registry registry, SysfsLayout sysfs, DriverCall calls, Usage usage, UeventSink uevents,
            DeferredProbes deferred, AsyncProbes async, Supplier<CoreSettings> settings, Logger log) {
        this.registry = registry;
        this.sysfs = sysfs;
        this.calls = calls;
        this.usage = usage;
        this.uevents = uevents;
        this.deferred = deferred;
        this.async = async;
        this.settings = settings;
        this.log = log;
    }

    private Duration deadline() {
        return settings.get().drainTimeout();
    }

    // ---------------------------------------------------------------- attach and probe

    /**
     * Probes one driver for a device if the device is unbound; true if it bound. A device whose
     * lock is held past the deadline (its probe or remove stuck in driver code) is left alone:
     * an arriving driver is not held up by another driver's stuck callback.
     */
    boolean probeIfUnbound(DeviceNode node, DriverEntry driver) {
        if (!lockOrSkip(node, "driver " + driver)) {
            return false;
        }
        try {
            return node.state() == DeviceState.UNBOUND && probe(node, driver).is(ProbeResult.Outcome.BOUND);
        } finally {
            node.unlock();
        }
    }

    /**
     * Binds a new device to the first matching driver of its bus (Linux {@code device_attach});
     * on a probe thread if a matching driver prefers asynchronous probing.
     */
    void attach(DeviceNode node) {
        List<DriverEntry> drivers = registry.driversOf(node.bus());
        boolean preferAsync = false;
        for (int i = 0; i < drivers.size(); i++) { // indexed: a plug makes no iterator
            DriverEntry d = drivers.get(i);
            preferAsync |= d.asyncProbe() && matches(node, d);
        }
        if (preferAsync) { // the drivers as they are when the probe thread gets to it
            async.submit(() -> attachAndRetry(node, registry.driversOf(node.bus())));
        } else {
            attachAndRetry(node, drivers);
        }
    }

    private void attachAndRetry(DeviceNode node, List<DriverEntry> candidates) {
        if (attachLocked(node, candidates).is(ProbeResult.Outcome.BOUND)) {
            retryDeferred();
        }
    }

    /** Offers the device to each driver of its bus in turn, under its lock; no retry trigger. */
    private ProbeResult attachLocked(DeviceNode node) {
        return attachLocked(node, registry.driversOf(node.bus()));
    }

    private ProbeResult attachLocked(DeviceNode node, List<DriverEntry> candidates) {
        if (!lockOrSkip(node, "its bus's drivers")) {
            return ProbeResult.NO_MATCH;
        }
        try {
            for (int i = 0; i < candidates.size(); i++) {
                DriverEntry d = candidates.get(i);
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
            node.unlock();
        }
    }

    /**
     * Retries every deferred device, as Linux does after each successful bind (a device's
     * dependency may just have arrived). Runs on the caller's thread, holding no lock; a pass
     * already running elsewhere is told to run once more instead.
     */
    void retryDeferred() {
        if (deferred.isEmpty()) {
            return; // the common case, after every bind: nothing to retry, nothing made (a snapshot, an iterator, issue #19)
        }
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

    /** Takes a device lock for an attach, within the deadline; false (logged) if it is held longer. */
    private boolean lockOrSkip(DeviceNode node, String who) {
        registry.assertNotLocked(); // lock order: no device lock under the model lock
        if (node.lockWithin(deadline())) {
            return true;
        }
        Thread holder = node.holder();
        log.warn("device {}: not offered to {}: its lock is held past {} ms{}", node, who, deadline().toMillis(),
                holder == null ? "" : " by thread \"" + holder.getName() + "\"");
        return false;
    }

    /** Publishes a bound driver's files and the device's driver link. Context: the model lock held (Registry#publishIfListed) */
    private void publishBound(Binding binding, List<AttributeGroup<BoundDevice>> groups) {
        sysfs.driverBound(binding.node(), binding, groups);
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
        if (probed.asked() != null) {
            // ended meanwhile (from inside its own probe, or abandoned by a stop that gave up
            // waiting): nothing more of the driver is called or published
            Binding.Cause asked = probed.settle();
            end(probed, asked);
            return ProbeResult.refused(Errno.ENODEV, "binding ended during its probe (" + asked + ")");
        }
        List<AttributeGroup<BoundDevice>> groups = calls.groups(probed);
        if (groups == null) {
            end(b, Binding.Cause.FILES_FAILED);
            return ProbeResult.refused(Errno.EIO, "its deviceAttributes() failed");
        }
        try {
            if (!registry.publishIfListed(probed, groups, publishBound)) {
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
        assert node.isHeldByCurrentThread();
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
                sysfs.breakOwnCalls(node);
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
        ManagedResources resources = b.takeResources();
        if (resources != null) {
            step(node, "releasing managed resources", () -> calls.release(b, resources, "resource"));
        }
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
        registry.assertNotLocked(); // lock order: no device lock under the model lock
        node.lockOrBusy(deadline(), node.path());
        try {
            if (node.state() != DeviceState.UNBOUND) {
                Binding b = node.binding();
                throw new DriverModelException(Errno.EBUSY, node.path(), node.state() == DeviceState.REMOVED
                        ? "device was removed" : "bound to driver " + (b == null ? "?" : b.driverDescription()));
            }
            return probe(node, entry);
        } finally {
            node.unlock();
        }
    }

    /** @see org.drivermodel.api.DriverCore#unbind */
    void unbind(DriverEntry entry, DeviceNode node) {
        registry.assertNotLocked(); // lock order: no device lock under the model lock
        // a store unbinding its own device: let it out of its file's drain before waiting for
        // the lock, which another thread ending the binding may hold while it drains that file
        sysfs.breakOwnCalls(node);
        node.lockOrBusy(deadline(), node.path());
        try {
            Binding b = node.binding();
            if (b == null || !b.isOf(entry) || (node.state() != DeviceState.BOUND
                    && DriverCall.insideOf(b) != DriverCall.Kind.PROBE)) {
                throw new DriverModelException(Errno.ENODEV, node.path(), "not bound to driver " + entry);
            }
            end(b, Binding.Cause.UNBIND);
        } finally {
            node.unlock();
        }
    }

    // ---------------------------------------------------------------- attribute groups of a binding

    /**
     * @see BoundDevice#notifyChange
     * Context: any thread, also inside a show or store; takes the tree lock (read) briefly, no
     * model or device lock.
     */
    void notifyChange(Binding b, String file) {
        DeviceNode node = b.node();
        if (file == null || file.isEmpty() || file.startsWith("/")) {
            throw new DriverModelException(Errno.EINVAL, node.path() + "/" + DriverModelException.quote(String.valueOf(file)),
                    "not a file name relative to the device's directory");
        }
        try {
            sysfs.tree().notifyChange(node.path() + "/" + file);
        } catch (DriverModelException e) {
            if (e.errno() == Errno.ENOENT && !b.isLive()) { // the binding ended meanwhile, its files with it
                throw b.ended("notify " + file);
            }
            throw e;
        }
    }

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
            if (!registry.publishIfListed(b, groups,
                    (binding, g) -> sysfs.attributesAdded(binding.node(), binding, g, binding.bindingState() != Binding.State.PROBING))) {
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
        String bundle = Callers.bundle(); // who holds the handle: the driver, or a bundle it handed it to
        usage.leaks().record(Leak.Kind.REGISTRATION, node.path(), List.of(bundle != null ? bundle : t.getName()),
                "attribute group " + name + " " + files + " for " + node + " refused with ENODEV: " + why
                        + " (binding " + b.generation() + " of driver " + b.driverDescription() + ")"
                        + "; called by " + (bundle != null ? bundle + ", " : "") + "thread \"" + t.getName() + "\" at "
                        + caller);
        return new DriverModelException(Errno.ENODEV, node.path(), "attribute group " + name + " " + files + " refused: "
                + why + " (binding " + b.generation() + "; a registration after remove)");
    }

    // ---------------------------------------------------------------- helpers

    boolean matches(DeviceNode node, DriverEntry driver) {
        String override = node.override();
        if (override != null) {
            return override.equals(driver.info().name());
        }
        return calls.match(node.subsystem().bus(), node, driver);
    }

    /** Context: the device lock must be taken within the deadline, for override changes. */
    void setOverride(DeviceNode node, String value) {
        registry.assertNotLocked(); // lock order: no device lock under the model lock
        node.lockOrBusy(deadline(), node.path());
        try {
            node.setOverride(value);
        } finally {
            node.unlock();
        }
    }
}
