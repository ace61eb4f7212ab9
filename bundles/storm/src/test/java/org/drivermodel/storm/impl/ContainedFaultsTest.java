package org.drivermodel.storm.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.api.LifetimeReport.Leak.Kind;
import org.junit.jupiter.api.Test;

/**
 * The storm's classification of lifetime-report entries: the faults the core contained for the
 * deliberately faulty drivers, as designed, are not problems; every other entry is — any other
 * kind, any other driver, bundle or device, a probe stuck rather than failed.
 */
class ContainedFaultsTest {
    private static final String UNTRUSTED = StormDevices.UNTRUSTED_BUNDLE;
    private static final String HOLDER = "bundle 17 (" + UNTRUSTED + ")";
    private static final String REMOVE_ERROR = "/devices/vbus/b4d1:0001.4";
    private static final String PROBE_ERROR = "/devices/vbus/b4d1:0002.5";
    private static final String GROUPS_ERROR = "/devices/vbus/b4d1:0003.6";
    private static final String ATTR_ERROR = "/devices/vbus/b4d1:0004.7";
    private static final String PLAIN = "/devices/vbus/b4d1:0000.8";
    private static final String TESTDRV = "/devices/vbus/7e57:0001.9";
    private static final Set<String> PLUGGED = Set.of(REMOVE_ERROR, PROBE_ERROR, GROUPS_ERROR, ATTR_ERROR, PLAIN, TESTDRV);
    private static final Predicate<String> OURS = PLUGGED::contains;

    private final ContainedFaults faults = StormDevices.mix(true).faults();

    private static Leak leak(Kind kind, String object, List<String> holders, String detail) {
        return new Leak(Instant.EPOCH, kind, object, holders, detail);
    }

    private static Leak fault(String device, String callback) {
        return leak(Kind.FAULT, device, List.of(HOLDER), callback + " of driver vbus/untrusted-x (" + HOLDER + ") for "
                + device + " (binding 1) threw java.lang.Error: on purpose");
    }

    private static Leak failedProbe(String device) {
        return leak(Kind.PROBE, device, List.of(HOLDER), "probe of " + device + " with driver vbus/untrusted-probe-error ("
                + HOLDER + ") failed with error -5 (EIO): java.lang.StackOverflowError: on purpose");
    }

    @Test
    void theFaultsTheUntrustedDriversMakeByDesignAreContained() {
        assertTrue(faults.contained(fault(REMOVE_ERROR, "remove"), OURS));
        assertTrue(faults.contained(fault(GROUPS_ERROR, "deviceAttributes"), OURS));
        assertTrue(faults.contained(fault(ATTR_ERROR, "show bad"), OURS));
        assertTrue(faults.contained(fault(ATTR_ERROR, "store bad"), OURS));
        assertTrue(faults.contained(failedProbe(PROBE_ERROR), OURS));
    }

    @Test
    void everyOtherKindIsAProblemEvenOfAFaultyDriversDevice() {
        for (Kind kind : Kind.values()) {
            if (kind == Kind.FAULT || kind == Kind.PROBE) {
                continue;
            }
            assertFalse(faults.contained(leak(kind, REMOVE_ERROR, List.of(HOLDER), "something"), OURS), kind.name());
            assertFalse(faults.contained(leak(kind, UNTRUSTED, List.of(HOLDER), "something"), OURS), kind.name());
        }
        assertFalse(faults.contained(leak(Kind.THREAD, "bundle 17 (" + UNTRUSTED + ")", List.of("storm-attr-0"),
                "bundle 17 stopped with 1 thread(s) still running its code"), OURS));
        assertFalse(faults.contained(leak(Kind.LOADER, "bundle 17 (" + UNTRUSTED + ")", List.of("pool-3-thread-1"),
                "was uninstalled and refreshed, but its class loader is still reachable"), OURS));
        assertFalse(faults.contained(leak(Kind.DRAIN, ATTR_ERROR + "/bad", List.of("storm-attr-1"), "drain over deadline"), OURS));
        assertFalse(faults.contained(leak(Kind.REMOVE, REMOVE_ERROR, List.of("storm"), "remove still running"), OURS));
    }

    @Test
    void aFaultOfTheWrongKindForItsDriverIsAProblem() {
        assertFalse(faults.contained(fault(PROBE_ERROR, "remove"), OURS), "0002 fails in probe, not elsewhere");
        assertFalse(faults.contained(leak(Kind.PROBE, REMOVE_ERROR, List.of(HOLDER), "probe of " + REMOVE_ERROR
                + " with driver vbus/untrusted-remove-error (" + HOLDER + ") failed with error -5 (EIO)"), OURS));
        assertFalse(faults.contained(fault(PLAIN, "show generation"), OURS), "the control driver never throws");
    }

    @Test
    void aProbeStuckPastTheDrainDeadlineIsAProblem() {
        assertFalse(faults.contained(leak(Kind.PROBE, PROBE_ERROR, List.of("storm"), "probe of driver"
                + " vbus/untrusted-probe-error (" + HOLDER + ") for " + PROBE_ERROR + " still running after 5000 ms"
                + " (drain.timeout.ms): thread \"storm\""), OURS));
        assertFalse(faults.contained(leak(Kind.PROBE, PROBE_ERROR, List.of(HOLDER), "probe of driver"
                + " vbus/untrusted-probe-error for " + PROBE_ERROR + " still running after 5000 ms"), OURS),
                "named like a failed probe only by its holder");
    }

    @Test
    void aFaultOfAnotherBundleOrDeviceIsAProblem() {
        assertFalse(faults.contained(leak(Kind.FAULT, REMOVE_ERROR, List.of("bundle 9 (org.drivermodel.driver-test)"),
                "remove threw"), OURS));
        assertFalse(faults.contained(leak(Kind.FAULT, REMOVE_ERROR, List.of(HOLDER, "bundle 9 (org.drivermodel.driver-test)"),
                "remove threw"), OURS));
        assertFalse(faults.contained(leak(Kind.FAULT, TESTDRV, List.of("bundle 9 (org.drivermodel.driver-test)"),
                "show value threw"), OURS));
        assertFalse(faults.contained(fault("/devices/vbus/b4d1:0001.99", "remove"), OURS), "a device the storm did not plug");
        assertFalse(faults.contained(fault(REMOVE_ERROR + "/child", "remove"), d -> true), "not a vbus device");
        assertFalse(faults.contained(leak(Kind.FAULT, "/bus/vbus/drivers/untrusted-remove-error", List.of(HOLDER),
                "match of /devices/vbus/b4d1:0001.4 against driver ... failed"), d -> true), "a match fault names a driver");
    }

    @Test
    void withoutTheUntrustedDriversInTheMixNothingIsContained() {
        ContainedFaults none = StormDevices.mix(false).faults();
        assertFalse(none.contained(fault(REMOVE_ERROR, "remove"), OURS));
        assertFalse(none.contained(failedProbe(PROBE_ERROR), OURS));
    }
}
