package org.drivermodel.driver.hostile;

import org.drivermodel.testkit.HostileHooks;

/**
 * A hostile driver's line to the test: the {@link HostileHooks} service, if a test registered
 * one. A misbehaviour lasts as long as the test's hook blocks; without a hook the drivers do not
 * hang (so that a framework with this bundle and no test is not held up forever).
 *
 * <p>Concurrency: {@link #hooks} is volatile, set and cleared by Declarative Services' dynamic
 * reference calls; the hook is called with no lock held.
 */
final class Steering {
    private volatile HostileHooks hooks; /* the test's hooks, or null */

    void bind(HostileHooks h) {
        hooks = h;
    }

    void unbind(HostileHooks h) {
        if (hooks == h) {
            hooks = null;
        }
    }

    /** Misbehaves (blocks) for as long as the test's hook does. */
    void hang(String behaviour, String device) {
        HostileHooks h = hooks;
        if (h != null) {
            h.hang(behaviour, device);
        }
    }

    /** Tells the test what came of a misbehaviour. */
    void outcome(String behaviour, String device, String result) {
        HostileHooks h = hooks;
        if (h != null) {
            h.outcome(behaviour, device, result);
        }
    }
}
