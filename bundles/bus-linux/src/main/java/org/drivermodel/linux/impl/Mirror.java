package org.drivermodel.linux.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.drivermodel.api.BusContext;
import org.drivermodel.api.Device;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.linux.KernelDevice;
import org.drivermodel.linux.KernelEvent;

/**
 * The model's copy of the kernel's devices: applies uevents and resynchronisations to the bus's
 * context. A device is named {@code <subsystem>:<kernel name>}, carries the uevent's variables
 * (but {@code ACTION}, {@code SEQNUM} and {@code DEVPATH_OLD}, which belong to one event) and
 * sits under its nearest mirrored ancestor, so that the core removes children first; a removal
 * removes the mirrored descendants first too, deepest first, as the kernel does.
 *
 * <p>Concurrency: written by the bus's hotplug thread only ({@link #apply}, {@link #resync});
 * {@link #mirrored()} may be read from any thread (a concurrent map).
 */
final class Mirror {
    private static final Set<String> EVENT_ONLY = Set.of("ACTION", "SEQNUM", "DEVPATH_OLD", "SYNTH_UUID");

    private final BusContext context;
    private final ConcurrentMap<String, Device> byDevpath = new ConcurrentHashMap<>(); /* written by the hotplug thread */

    Mirror(BusContext context) {
        this.context = context;
    }

    /** @return the model's device names, by devpath */
    Map<String, String> mirrored() {
        Map<String, String> names = new TreeMap<>();
        byDevpath.forEach((devpath, device) -> names.put(devpath, device.name()));
        return names;
    }

    /**
     * @param e          a uevent
     * @param subsystems the subsystems mirrored
     * @return what was done, for the event log
     * @throws DriverModelException ENODEV once the bus is gone
     */
    String apply(KernelEvent e, Set<String> subsystems) {
        String subsystem = e.subsystem();
        switch (e.action()) {
        case "add":
            if (!subsystems.contains(subsystem)) {
                return "not mirrored (subsystem " + subsystem + ")";
            }
            return add(subsystem, e.devpath(), e.variables());
        case "remove":
            return byDevpath.containsKey(e.devpath()) ? remove(e.devpath()) : "not mirrored";
        case "move":
            String old = e.variables().getOrDefault("DEVPATH_OLD", "");
            String removed = byDevpath.containsKey(old) ? remove(old) + ", " : "";
            return subsystems.contains(subsystem) ? removed + add(subsystem, e.devpath(), e.variables()) : removed + "not mirrored";
        default:
            return "not applied (" + e.action() + ")";
        }
    }

    /**
     * Makes the mirror what sysfs shows now: removes what is gone, adds what is new (after a
     * lost message, and at attach).
     *
     * @return what was done
     * @throws DriverModelException ENODEV once the bus is gone
     */
    String resync(List<KernelDevice> now) {
        Set<String> present = new HashSet<>();
        now.forEach(d -> present.add(d.devpath()));
        List<String> gone = byDevpath.keySet().stream().filter(p -> !present.contains(p))
                .sorted(Comparator.comparing(String::length).reversed()).toList();
        int removed = 0;
        for (String devpath : gone) {
            if (byDevpath.containsKey(devpath)) {
                remove(devpath);
                removed++;
            }
        }
        int added = 0;
        for (KernelDevice d : now) {
            if (!byDevpath.containsKey(d.devpath()) && add(d.subsystem(), d.devpath(), d.variables()).startsWith("added")) {
                added++;
            }
        }
        return "resynchronised from sysfs: " + added + " added, " + removed + " removed";
    }

    private String add(String subsystem, String devpath, Map<String, String> variables) {
        Device known = byDevpath.get(devpath);
        if (known != null) {
            return "already mirrored as " + known.name();
        }
        String name = subsystem + ":" + devpath.substring(devpath.lastIndexOf('/') + 1);
        Map<String, String> properties = new LinkedHashMap<>(variables);
        properties.keySet().removeAll(EVENT_ONLY);
        properties.put("SUBSYSTEM", subsystem);
        properties.put("DEVPATH", devpath);
        try {
            byDevpath.put(devpath, context.addDevice(name, properties, parentOf(devpath)));
            return "added " + name;
        } catch (DriverModelException refused) {
            if (refused.errno() == Errno.ENODEV) {
                throw refused; // the bus is gone (only this thread removes a parent)
            }
            return "refused: " + refused.getMessage();
        }
    }

    /** Removes a mirrored device, its mirrored descendants first, deepest first. */
    private String remove(String devpath) {
        List<String> subtree = new ArrayList<>(byDevpath.keySet().stream()
                .filter(p -> p.equals(devpath) || p.startsWith(devpath + "/")).toList());
        subtree.sort(Comparator.comparing(String::length).reversed());
        List<String> names = new ArrayList<>();
        for (String p : subtree) {
            Device d = byDevpath.remove(p);
            try {
                context.removeDevice(d.name());
            } catch (DriverModelException alreadyGone) {
                if (alreadyGone.errno() != Errno.ENOENT) {
                    throw alreadyGone;
                }
            }
            names.add(d.name());
        }
        return "removed " + String.join(", ", names);
    }

    private Device parentOf(String devpath) {
        for (String p = devpath; p.lastIndexOf('/') > 0;) {
            p = p.substring(0, p.lastIndexOf('/'));
            Device parent = byDevpath.get(p);
            if (parent != null) {
                return parent;
            }
        }
        return null;
    }
}
