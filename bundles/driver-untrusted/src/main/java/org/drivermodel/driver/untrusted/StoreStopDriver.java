package org.drivermodel.driver.untrusted;

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * untrusted-store-stop ({@code b4d1:000b}): a write to its attribute {@code stop} stops its own
 * bundle, from inside the store.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-store-stop")
@VbusMatch("b4d1:000b")
public final class StoreStopDriver extends SteeredDriver {
    private Bundle bundle;

    @Activate
    void activate(BundleContext context) {
        bundle = context.getBundle();
    }

    @Override
    public void probe(BoundDevice device) {
        // binds; the fault is in its attribute
    }

    @Override
    public void remove(BoundDevice device) {
        Steering.outcome(hooks, "remove", device.path(), "binding " + device.generation());
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        Bundle own = bundle;
        return List.of(AttributeGroup.of(Attribute.<BoundDevice>wo("stop", (d, value, ctx) -> own.stop())));
    }
}
