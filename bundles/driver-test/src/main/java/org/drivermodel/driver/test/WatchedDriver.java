package org.drivermodel.driver.test;

import org.drivermodel.api.Driver;
import org.drivermodel.testkit.TestHooks;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * A test driver that reports its own code running too late: after its component was deactivated
 * (a call into an unloaded module), or after its binding was removed. Each test driver is a
 * Declarative Services component extending this class; the bundle's bnd instructions
 * ({@code -dsannotations-options: inherit}) put the reference and the deactivation declared here
 * into each one's component description.
 *
 * <p>Concurrency: {@link #hooks} and {@link #deactivated} are volatile, written by Declarative
 * Services and read by any thread running the driver's code. The hooks are kept after
 * deactivation on purpose, so that late calls can still be reported.
 */
abstract class WatchedDriver implements Driver {
    private volatile TestHooks hooks;   /* kept after deactivation, so that late calls can be reported */
    private volatile boolean deactivated;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindHooks(TestHooks h) {
        hooks = h;
    }

    void unbindHooks(TestHooks h) {
        if (!deactivated && hooks == h) {
            hooks = null;
        }
    }

    @Deactivate
    void deactivate() {
        deactivated = true;
        deactivated();
    }

    /** What the driver lets go of when its component is deactivated; nothing by default. */
    void deactivated() {
    }

    /** @return the test's hooks, or null if no test listens */
    final TestHooks hooks() {
        return hooks;
    }

    /**
     * Reports code of this generation running after its deactivation, or after the end of the
     * binding it serves.
     *
     * @param what        what runs, for the report
     * @param bindingOver whether the binding this code serves has ended
     */
    final void alive(String what, boolean bindingOver) {
        if (deactivated || bindingOver) {
            TestHooks h = hooks;
            if (h != null) {
                h.lateCall(TestDriver.GENERATION, what);
            }
        }
    }
}
