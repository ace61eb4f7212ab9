package org.drivermodel.driver.untrusted;

import org.drivermodel.testkit.HandOver;
import org.drivermodel.testkit.HostileHooks;

/**
 * A driver's line to the test: the test's {@link HostileHooks} and {@link HandOver} services, if
 * it registered them (each driver holds them in the dynamic optional references of
 * {@link SteeredDriver}, which Declarative Services unbinds only after the driver's service has
 * unregistered, so a {@code remove} running in its bundle's stop still reaches the test). Without them the drivers neither hang nor tell, so
 * that a framework with this bundle and no test is not held up.
 *
 * <p>Stateless; every method may be called from any thread, with no lock held.
 */
final class Steering {
    private Steering() {
    }

    /** Misbehaves (blocks) for as long as the test's hook does. */
    static void hang(HostileHooks hooks, String behaviour, String device) {
        if (hooks != null) {
            hooks.hang(behaviour, device);
        }
    }

    /** Tells the test what came of a misbehaviour. */
    static void outcome(HostileHooks hooks, String behaviour, String device, String result) {
        if (hooks != null) {
            hooks.outcome(behaviour, device, result);
        }
    }

    /** Hands the test what the driver should have kept to itself. */
    static void handOver(HandOver to, String behaviour, String device, Object handle) {
        if (to != null) {
            to.handOver(behaviour, device, handle);
        }
    }
}
