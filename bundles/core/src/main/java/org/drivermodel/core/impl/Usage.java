package org.drivermodel.core.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.drivermodel.api.BundleAction;
import org.drivermodel.api.DeviceRef;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.api.Uevent;
import org.drivermodel.api.UsagePin;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.primitives.LeakReport;
import org.drivermodel.lifetime.primitives.Ref;
import org.osgi.service.log.Logger;

/**
 * Who uses what (Linux {@code get_device} with {@code ref_tracker}, and the module busy count):
 * tracked references to devices, usage pins on bindings, the management commands that honour
 * the pins, the wait for references at a device's removal, and the lifetime report.
 *
 * <p>Concurrency: no state of its own but {@link #leaks} (thread-safe) and
 * {@link #bundles} (volatile). A pin is taken and revoked under its device's lock;
 * {@link #manage} marks the drivers of the bundle leaving <em>before</em> it collects their pins
 * under each device lock, so a pin is either seen by it or refused. No model lock is held while
 * waiting for references (a parent's device lock may be: a class device going with its parent's
 * binding), and no lock while calling the framework.
 */
final class Usage {
    /** Longest pin reason. */
    static final int MAX_REASON = 200;

    private final Registry registry;
    private final Logger log;
    private final LeakHistory leaks;
    private final UeventSink uevents;
    private final Supplier<CoreSettings> settings;
    private volatile BundleOps bundles = BundleOps.NONE;

    Usage(Registry registry, Logger log, LeakHistory leaks, UeventSink uevents, Supplier<CoreSettings> settings) {
        this.registry = registry;
        this.log = log;
        this.leaks = leaks;
        this.uevents = uevents;
        this.settings = settings;
    }

    void useBundles(BundleOps ops) {
        bundles = ops;
    }

    BundleOps bundles() {
        return bundles;
    }

    LeakHistory leaks() {
        return leaks;
    }

    /** Takes a tracked reference to a device for {@code holder}. */
    DeviceRef hold(String device, String holder, Consumer<AutoCloseable> onClose) {
        DeviceNode node = registry.device(device);
        Ref ref = node.refs.get(holder); // ENODEV if it was removed since the lookup
        return new TrackedDeviceRef(node, ref, onClose);
    }

    /**
     * Pins the current binding of a device for {@code holder}. A class device (a disk) is pinned
     * through the binding that provides it: its nearest bus device ancestor's (Linux: opening a
     * block device holds the module of the disk's driver).
     */
    UsagePin pin(String device, String reason, String holder, Consumer<AutoCloseable> onClose) {
        DeviceNode node = registry.device(device);
        while (node.deviceClass().isPresent() && node.parentNode() != null) {
            node = node.parentNode();
        }
        checkReason(node.path(), reason);
        lockOrBusy(node);
        try {
            Binding b = node.binding();
            if (node.state() != DeviceState.BOUND || b == null) {
                throw new DriverModelException(Errno.ENODEV, node.path(), "no driver is bound");
            }
            DriverEntry driver = b.driverEntry();
            if (driver.leaving()) {
                throw new DriverModelException(Errno.EBUSY, node.path(),
                        "the bundle of driver " + driver + " is being stopped, updated or uninstalled");
            }
            BindingPin pin = new BindingPin(b, holder, reason, onClose);
            b.addPin(pin);
            log.info("device {}: pinned by {} ({})", node, holder, reason);
            return pin;
        } finally {
            node.unlock();
        }
    }

    /** Takes a device lock within the drain deadline, or answers EBUSY (a probe or remove stuck in driver code). */
    private void lockOrBusy(DeviceNode node) {
        registry.assertNotLocked(); // lock order: no device lock under the model lock
        node.lockOrBusy(settings.get().drainTimeout(), node.path());
    }

    private static void checkReason(String object, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON
                || !reason.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw new DriverModelException(Errno.EINVAL, object, "pin reason must be 1-" + MAX_REASON
                    + " printable characters, is " + (reason == null ? "missing" : DriverModelException.quote(reason)));
        }
    }

    /** Revokes the pins of a binding that is ending. Context: the device lock is held. */
    void bindingEnding(Binding b) {
        for (BindingPin pin : b.takePins()) {
            if (pin.revoke()) {
                log.warn("device {}: {} revoked: the binding of driver {} ended", b.node(), pin, b.driverEntry());
            }
        }
    }

    /** @see org.drivermodel.api.DriverCore#manage */
    void manage(DriverEntry entry, BundleAction action, boolean force, String requester) {
        if (action == null) {
            throw new DriverModelException(Errno.EINVAL, entry.path(), "no action given");
        }
        long bundleId = entry.info().bundleId();
        BundleOps ops = bundles;
        String bundle = ops.describe(bundleId);
        List<DriverEntry> siblings = registry.driversOfBundle(bundleId);
        siblings.forEach(DriverEntry::leave);
        try {
            List<BindingPin> pins = new ArrayList<>();
            for (DriverEntry d : siblings) {
                for (DeviceNode node : d.claimed()) {
                    lockOrBusy(node); // waits out a pin being taken
                    try {
                        Binding b = node.binding();
                        if (b != null) {
                            pins.addAll(b.pins());
                        }
                    } finally {
                        node.unlock();
                    }
                }
            }
            if (!pins.isEmpty() && !force) {
                BindingPin first = pins.get(0);
                throw new DriverModelException(Errno.EBUSY, entry.path(), "pinned by " + first.holder() + " on "
                        + first.path() + " (" + first.reason() + ")"
                        + (pins.size() > 1 ? " and " + (pins.size() - 1) + " more pin(s)" : "")
                        + "; " + action.name().toLowerCase() + " of " + bundle + " refused, force it to override");
            }
            if (!pins.isEmpty()) {
                log.warn("driver {}: {} of {} forced by {} past {} pin(s): {}", entry, action, bundle, requester,
                        pins.size(), pins);
            } else {
                log.info("driver {}: {} of {} requested by {}", entry, action, bundle, requester);
            }
            ops.apply(bundleId, action);
        } finally {
            siblings.forEach(DriverEntry::stay); // an updated bundle registers new entries
        }
    }

    /**
     * The end of a device's removal: revokes the references to it, waits for their holders to
     * put them (re-announcing REMOVE, warning from half the deadline on), and reclaims and
     * reports those still held at the deadline. Context: no model lock held; the caller may
     * hold the device lock of a parent (a class device going with its parent's binding).
     */
    void awaitReferences(DeviceNode node) {
        node.unregisterReferences();
        if (node.refs.count() == 0) {
            return;
        }
        CoreSettings s = settings.get();
        LeakReport held = node.refs.awaitRelease(s.releaseTimeout(), s.releaseTimeout().dividedBy(2),
                line -> log.warn("{}", line), () -> uevents.emit(Uevent.REMOVE, node, null));
        if (held.isEmpty()) {
            return;
        }
        LeakReport reclaimed = node.refs.reclaim();
        if (!reclaimed.isEmpty()) {
            leaks.record(Leak.Kind.REFERENCE, node.path(),
                    reclaimed.holders().stream().map(LeakReport.HolderLeak::holder).toList(),
                    "revoked and reclaimed after " + s.releaseTimeout().toMillis() + " ms: " + reclaimed);
        }
    }

    /** @return the references and pins held now, and the recent leaks */
    LifetimeReport report() {
        List<LifetimeReport.Reference> references = new ArrayList<>();
        List<LifetimeReport.Pin> pins = new ArrayList<>();
        for (DeviceNode node : registry.nodes()) {
            for (LeakReport.HolderLeak h : node.refs.verifyNoneHeld().holders()) { // the core's own is no holder
                references.add(new LifetimeReport.Reference(node.path(), h.holder(), h.count(),
                        h.takenAt().stream().map(LeakHistory::stackText).toList()));
            }
            Binding b = node.binding();
            if (b != null) {
                b.pins().forEach(p -> pins.add(p.describe()));
            }
        }
        return new LifetimeReport(references, pins, leaks.snapshot());
    }
}
