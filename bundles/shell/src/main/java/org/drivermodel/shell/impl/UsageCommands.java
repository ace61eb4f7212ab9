package org.drivermodel.shell.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.drivermodel.api.DeviceRef;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.api.UsagePin;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.shell.ArgumentKind;
import org.drivermodel.shell.CommandService;
import org.drivermodel.shell.Completes;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code usage:report}, {@code usage:pin}, {@code usage:unpin}, {@code usage:hold} and
 * {@code usage:put}: who uses what. The pins and references taken here are held by the shell
 * bundle, one per device, until put back (or until the shell stops, when the core reports them
 * as left behind).
 *
 * <p>Concurrency: the maps are guarded by this object's monitor; the core is never called
 * while holding it.
 */
// immediate: the shell ungets a command service after each call, and a delayed component would
// be disposed then, taking the pins and references it holds with it
@Component(service = UsageCommands.class, immediate = true, property = {
        CommandService.SCOPE + "=usage",
        CommandService.FUNCTION + "=report",
        CommandService.FUNCTION + "=pin",
        CommandService.FUNCTION + "=unpin",
        CommandService.FUNCTION + "=hold",
        CommandService.FUNCTION + "=put" })
public final class UsageCommands {

    @Reference
    private DriverCore core;

    private final Map<String, UsagePin> pins = new TreeMap<>(); /* guarded by this; by device path */
    private final Map<String, DeviceRef> refs = new TreeMap<>(); /* guarded by this; by device path */

    /** @return the references and pins held now, and the recent leaks */
    @Descriptor("the lifetime report: references held (by holder), usage pins, and recent leaks"
            + " (references reclaimed at removal, drains past their deadline, what stopped bundles left behind)")
    public String report() {
        LifetimeReport r = core.report();
        StringBuilder b = new StringBuilder();
        Table refTable = new Table("DEVICE", "HOLDER", "COUNT");
        r.references().forEach(x -> refTable.row(x.object(), x.holder(), x.count()));
        b.append("references:").append(r.references().isEmpty() ? " none\n" : "\n" + refTable);
        Table pinTable = new Table("DEVICE", "DRIVER", "HOLDER", "REASON");
        r.pins().forEach(p -> pinTable.row(p.device(), p.driver(), p.holder(), p.reason()));
        b.append("pins:").append(r.pins().isEmpty() ? " none\n" : "\n" + pinTable);
        b.append("leaks:").append(r.leaks().isEmpty() ? " none" : "");
        for (LifetimeReport.Leak l : r.leaks()) {
            b.append("\n  ").append(l.when()).append(' ').append(l.kind()).append(' ').append(l.object())
                    .append(": ").append(l.detail().replace("\n", "\n    "));
        }
        return b.toString();
    }

    /**
     * @param device a device
     * @param reason why
     * @return a confirmation
     */
    @Descriptor("pin a device's binding (as a mounted filesystem would): driver:stop refuses with EBUSY until unpinned")
    public String pin(@Descriptor("the device: a path or <bus>/<name>") @Completes(ArgumentKind.DEVICE) String device,
            @Descriptor("why, e.g. mounted") String... reason) {
        String why = reason == null || reason.length == 0 ? null : String.join(" ", reason);
        UsagePin p = core.pin(device, why);
        synchronized (this) {
            UsagePin old = pins.putIfAbsent(p.path(), p);
            if (old == null) {
                return "pinned " + p.path() + " (driver " + p.driver() + "): " + why;
            }
        }
        p.close();
        throw new DriverModelException(Errno.EEXIST, p.path(), "already pinned by this shell");
    }

    /**
     * @param device a device
     * @return a confirmation
     */
    @Descriptor("release the shell's pin on a device")
    public String unpin(@Descriptor("the device: a path or <bus>/<name>") @Completes(ArgumentKind.DEVICE) String device) {
        String path = pathOf(device, pins);
        UsagePin p;
        synchronized (this) {
            p = pins.remove(path);
        }
        if (p == null) {
            throw new DriverModelException(Errno.ENOENT, DriverModelException.quote(String.valueOf(device)),
                    "not pinned by this shell");
        }
        boolean wasValid = p.isValid();
        p.close();
        return "unpinned " + path + (wasValid ? "" : " (its binding had ended already)");
    }

    /**
     * @param device a device
     * @return a confirmation
     */
    @Descriptor("take a tracked reference to a device (it pins no driver; the device's removal waits for it, then reclaims it)")
    public String hold(@Descriptor("the device: a path or <bus>/<name>") @Completes(ArgumentKind.DEVICE) String device) {
        DeviceRef r = core.hold(device);
        synchronized (this) {
            DeviceRef old = refs.putIfAbsent(r.path(), r);
            if (old == null) {
                return "holding " + r.path() + " as " + r.holder();
            }
        }
        r.close();
        throw new DriverModelException(Errno.EEXIST, r.path(), "already held by this shell");
    }

    /**
     * @param device a device
     * @return a confirmation
     */
    @Descriptor("put back the shell's reference to a device")
    public String put(@Descriptor("the device: a path or <bus>/<name>") @Completes(ArgumentKind.DEVICE) String device) {
        String path = pathOf(device, refs);
        DeviceRef r;
        synchronized (this) {
            r = refs.remove(path);
        }
        if (r == null) {
            throw new DriverModelException(Errno.ENOENT, DriverModelException.quote(String.valueOf(device)),
                    "not held by this shell");
        }
        boolean wasValid = r.isValid();
        r.close();
        return "put " + path + (wasValid ? "" : " (the device was removed meanwhile)");
    }

    /** The path a name refers to: a live device's path, or a path held here already (its device may be gone). */
    private String pathOf(String device, Map<String, ?> held) {
        synchronized (this) {
            if (device != null && held.containsKey(device)) {
                return device;
            }
        }
        return core.device(device).path();
    }

    /** The shell's pins and references go with it (the core would report them as left behind). */
    @Deactivate
    void deactivate() {
        List<UsagePin> heldPins;
        List<DeviceRef> heldRefs;
        synchronized (this) {
            heldPins = new ArrayList<>(pins.values());
            heldRefs = new ArrayList<>(refs.values());
            pins.clear();
            refs.clear();
        }
        heldPins.forEach(UsagePin::close);
        heldRefs.forEach(DeviceRef::close);
    }

    /** @param args what {@code unpin} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String unpin(String... args) {
        throw Arguments.wrong("usage:unpin", "<device>", args);
    }

    /** @param args what {@code hold} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String hold(String... args) {
        throw Arguments.wrong("usage:hold", "<device>", args);
    }

    /** @param args what {@code put} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String put(String... args) {
        throw Arguments.wrong("usage:put", "<device>", args);
    }
}
