package org.drivermodel.driver.untrusted;

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.api.DriverCore;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * untrusted-store-unbind ({@code b4d1:000a}): a write to its attribute {@code unbind} unbinds its
 * own device ({@link DriverCore#unbind}), from inside the store.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = StoreUnbindDriver.NAME)
@VbusMatch("b4d1:000a")
public final class StoreUnbindDriver extends SteeredDriver {
    static final String NAME = "untrusted-store-unbind";

    @Reference
    private DriverCore core;

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
        return List.of(AttributeGroup.of(Attribute.<BoundDevice>wo("unbind",
                (d, value, ctx) -> core.unbind(d.bus(), NAME, d.name()))));
    }
}
