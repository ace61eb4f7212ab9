package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.Map;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.primitives.RefTracking;

/**
 * The core's tunables, from the Configuration Admin configuration {@code org.drivermodel.core}
 * (a {@code deploy/org.drivermodel.core.cfg} file in the Felix distribution):
 * <ul>
 * <li>{@code deferred.probe.timeout.ms} — how long a deferred device waits for its
 * dependency before it is given up (Linux {@code deferred_probe_timeout}); default 10000,
 * 0 to 86400000;</li>
 * <li>{@code test.driver.remove} — after every successful probe, call {@code remove} and
 * probe again, to flush out drivers that cannot be unbound cleanly (Linux
 * {@code CONFIG_DEBUG_TEST_DRIVER_REMOVE}); default false;</li>
 * <li>{@code drain.timeout.ms} — how long a removal waits for attribute callbacks in flight
 * before it reports the threads still inside and goes on, how long a device's lock is waited for
 * (a probe or remove holding it), and how long a driver's {@code probe} or {@code remove} may run
 * before it is reported with its thread and driver frame (it is still waited for by the thread
 * running it); default 5000, 1 to 600000;</li>
 * <li>{@code release.timeout.ms} — how long a device's removal waits for the holders of
 * references to it to let go, re-announcing the removal and warning from half of it on
 * (netdev's "waiting for X to become free"), before it reclaims them and reports their
 * holders; default 5000, 1 to 600000;</li>
 * <li>{@code ref.tracking} — {@code stacks} records where every device reference was taken
 * (and first put), for the lifetime report and double-put errors (Linux
 * {@code CONFIG_REF_TRACKER}); {@code off} records only the holders; default: the system
 * property {@code org.drivermodel.lifetime.refTracking}, else off. It applies to references
 * taken from then on.</li>
 * </ul>
 *
 * @param deferredProbeTimeout how long a deferred device is retried
 * @param testDriverRemove     whether every probe is followed by remove and a second probe
 * @param drainTimeout         how long a removal waits for callbacks in flight
 * @param releaseTimeout       how long a device's removal waits for references to be put
 * @param refTracking          whether references record stacks
 */
record CoreSettings(Duration deferredProbeTimeout, boolean testDriverRemove, Duration drainTimeout,
        Duration releaseTimeout, RefTracking refTracking) {
    /** The configuration PID. */
    static final String PID = "org.drivermodel.core";
    static final String DEFERRED_PROBE_TIMEOUT_MS = "deferred.probe.timeout.ms";
    static final String TEST_DRIVER_REMOVE = "test.driver.remove";
    static final String DRAIN_TIMEOUT_MS = "drain.timeout.ms";
    static final String RELEASE_TIMEOUT_MS = "release.timeout.ms";
    static final String REF_TRACKING = "ref.tracking";

    /** Linux's default deferred_probe_timeout; SCR's own lock timeout for drains. */
    static final CoreSettings DEFAULTS = new CoreSettings(Duration.ofSeconds(10), false, Duration.ofSeconds(5),
            Duration.ofSeconds(5), RefTracking.global());

    /** Ten minutes: a drain longer than that is a hang, whatever the driver. */
    private static final long MAX_DRAIN_MS = Duration.ofMinutes(10).toMillis();

    /** A day: longer than any dependency should take to arrive; guards against unit mistakes. */
    private static final long MAX_TIMEOUT_MS = Duration.ofDays(1).toMillis();

    /**
     * Reads the settings from configuration properties; absent keys take their defaults.
     *
     * @throws DriverModelException EINVAL naming the key and the value when one is malformed
     */
    static CoreSettings from(Map<String, ?> properties) {
        long timeout = longValue(properties, DEFERRED_PROBE_TIMEOUT_MS, DEFAULTS.deferredProbeTimeout().toMillis());
        if (timeout < 0 || timeout > MAX_TIMEOUT_MS) {
            throw invalid(DEFERRED_PROBE_TIMEOUT_MS, timeout, "must be 0 to " + MAX_TIMEOUT_MS + " ms");
        }
        boolean testRemove = booleanValue(properties, TEST_DRIVER_REMOVE, DEFAULTS.testDriverRemove());
        long drain = longValue(properties, DRAIN_TIMEOUT_MS, DEFAULTS.drainTimeout().toMillis());
        if (drain < 1 || drain > MAX_DRAIN_MS) {
            throw invalid(DRAIN_TIMEOUT_MS, drain, "must be 1 to " + MAX_DRAIN_MS + " ms");
        }
        long release = longValue(properties, RELEASE_TIMEOUT_MS, DEFAULTS.releaseTimeout().toMillis());
        if (release < 1 || release > MAX_DRAIN_MS) {
            throw invalid(RELEASE_TIMEOUT_MS, release, "must be 1 to " + MAX_DRAIN_MS + " ms");
        }
        RefTracking tracking = trackingValue(properties.get(REF_TRACKING), DEFAULTS.refTracking());
        return new CoreSettings(Duration.ofMillis(timeout), testRemove, Duration.ofMillis(drain),
                Duration.ofMillis(release), tracking);
    }

    private static long longValue(Map<String, ?> properties, String key, long dflt) {
        Object v = properties.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw invalid(key, v, "not a whole number of milliseconds");
            }
        }
        throw invalid(key, v, "not a whole number of milliseconds but a " + v.getClass().getSimpleName());
    }

    private static boolean booleanValue(Map<String, ?> properties, String key, boolean dflt) {
        Object v = properties.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s.strip());
        }
        throw invalid(key, v, "expected true or false");
    }

    private static RefTracking trackingValue(Object v, RefTracking dflt) {
        if (v == null) {
            return dflt;
        }
        if (v instanceof String s) {
            for (RefTracking t : RefTracking.values()) {
                if (t.name().equalsIgnoreCase(s.strip())) {
                    return t;
                }
            }
        }
        throw invalid(REF_TRACKING, v, "expected off or stacks");
    }

    private static DriverModelException invalid(String key, Object value, String why) {
        return new DriverModelException(Errno.EINVAL, "configuration " + PID + ": " + key,
                "'" + DriverModelException.quote(String.valueOf(value)) + "' " + why);
    }
}
