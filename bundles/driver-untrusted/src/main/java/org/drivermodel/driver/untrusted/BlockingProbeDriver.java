package org.drivermodel.driver.untrusted;

import java.util.List;

import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.testkit.HostileHooks;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * untrusted-probe-block ({@code b4d1:000d}): its probe blocks (behaviour {@code probe}) for as long
 * as the test's hook does. It tells the test of every call the core makes into it after its probe
 * (outcomes {@code remove} and {@code deviceAttributes}, with its bundle's state then), through the
 * hooks its probe saw: Declarative Services unbinds the reference when the bundle stops, but a
 * probe that outlives the stop still reaches the test, and so does any later call.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-probe-block")
@VbusMatch("b4d1:000d")
public final class BlockingProbeDriver extends SteeredDriver {
    private volatile HostileHooks seen; /* the hooks the last probe saw, kept past deactivation */
    private Bundle bundle;

    @Activate
    void activate(BundleContext context) {
        bundle = context.getBundle();
    }

    @Override
    public void probe(BoundDevice device) {
        HostileHooks h = hooks;
        seen = h;
        Steering.hang(h, "probe", device.path());
    }

    @Override
    public void remove(BoundDevice device) {
        Steering.outcome(seen, "remove", device.path(), "binding " + device.generation() + ", bundle " + state());
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        Steering.outcome(seen, "deviceAttributes", "-", "bundle " + state());
        return List.of();
    }

    private String state() {
        return switch (bundle.getState()) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.RESOLVED -> "RESOLVED";
            default -> String.valueOf(bundle.getState());
        };
    }
}
