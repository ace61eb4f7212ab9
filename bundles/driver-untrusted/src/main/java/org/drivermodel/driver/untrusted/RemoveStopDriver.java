package org.drivermodel.driver.untrusted;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.testkit.HostileHooks;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * untrusted-remove-stop ({@code b4d1:0008}): its remove stops its own bundle (unless the bundle is
 * stopping already), and tells the test what came of it (outcome {@code remove-stop}).
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-remove-stop")
@VbusMatch("b4d1:0008")
public final class RemoveStopDriver extends SteeredDriver {
    private Bundle bundle;

    @Activate
    void activate(BundleContext context) {
        bundle = context.getBundle();
    }

    @Override
    public void probe(BoundDevice device) {
        // binds; the fault is in remove
    }

    @Override
    public void remove(BoundDevice device) {
        HostileHooks h = hooks;
        Steering.outcome(h, "remove", device.path(), "binding " + device.generation());
        if (bundle.getState() != Bundle.ACTIVE) {
            return; // its own stop, or another's, is under way
        }
        String result;
        try {
            bundle.stop();
            result = "stopped, bundle state " + bundle.getState();
        } catch (BundleException | RuntimeException e) {
            result = e.toString();
        }
        Steering.outcome(h, "remove-stop", device.path(), result);
    }
}
