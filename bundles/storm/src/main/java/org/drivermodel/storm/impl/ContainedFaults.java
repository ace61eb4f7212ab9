package org.drivermodel.storm.impl;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.drivermodel.api.LifetimeReport.Leak;

/**
 * Tells the lifetime-report entries the deliberately faulty drivers cause by design — the core
 * contained a throwable of theirs and named it — from the storm's problems. Such an entry is
 * <ul>
 * <li>of kind FAULT (remove, show, store or deviceAttributes threw) or PROBE (probe threw: a
 * <em>failed</em> probe, whose entry names the driver's bundle; a probe <em>stuck</em> past the
 * drain deadline names its thread and is a problem);</li>
 * <li>about a device the storm plugged whose id's driver faults so by design;</li>
 * <li>held by exactly the faulty drivers' bundle.</li>
 * </ul>
 * Every other entry is a problem: REFERENCE, BUNDLE, REMOVE (a remove past its deadline), THREAD,
 * REGISTRATION, LOADER and DRAIN always, FAULT and PROBE of any other driver or device.
 *
 * <p>Immutable; plain Java.
 */
final class ContainedFaults {
    /** How the core names a bundle in an entry's holders: {@code bundle <id> (<symbolic name>)}. */
    private static final Pattern BUNDLE = Pattern.compile("bundle \\d+ \\((.+)\\)");
    private static final String VBUS_DEVICES = "/devices/vbus/";

    private final String bundle;
    private final Map<String, Set<Leak.Kind>> byId;

    /**
     * @param bundle the symbolic name of the faulty drivers' bundle, or null if none is stormed
     * @param byId   the kinds of entry each device id's driver causes by design
     */
    ContainedFaults(String bundle, Map<String, Set<Leak.Kind>> byId) {
        this.bundle = bundle;
        this.byId = Map.copyOf(byId);
    }

    /**
     * @param leak       an entry of the lifetime report
     * @param ourDevices whether a device path is one the storm plugged
     * @return true if it is a fault the core contained for a deliberately faulty driver, as
     *         designed; false if it is a problem
     */
    boolean contained(Leak leak, Predicate<String> ourDevices) {
        if (bundle == null || (leak.kind() != Leak.Kind.FAULT && leak.kind() != Leak.Kind.PROBE)) {
            return false;
        }
        String object = leak.object();
        if (!object.startsWith(VBUS_DEVICES) || object.indexOf('/', VBUS_DEVICES.length()) >= 0
                || !ourDevices.test(object)) {
            return false;
        }
        String id = StormDevices.idOf(object);
        Set<Leak.Kind> kinds = id == null ? null : byId.get(id);
        if (kinds == null || !kinds.contains(leak.kind()) || !heldByTheBundle(leak.holders())) {
            return false;
        }
        return leak.kind() != Leak.Kind.PROBE
                || (leak.detail().startsWith("probe of " + object + " with driver ") && leak.detail().contains(" failed with error "));
    }

    private boolean heldByTheBundle(List<String> holders) {
        if (holders.size() != 1) {
            return false;
        }
        Matcher m = BUNDLE.matcher(holders.get(0));
        return m.matches() && m.group(1).equals(bundle);
    }
}
