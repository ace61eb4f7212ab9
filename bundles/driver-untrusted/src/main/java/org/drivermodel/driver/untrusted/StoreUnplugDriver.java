package org.drivermodel.driver.untrusted;

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.drivermodel.vbus.VirtualBus;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * untrusted-store-unplug ({@code b4d1:0009}): a write to its attribute {@code eject} unplugs its
 * own device through the {@link VirtualBus} service, from inside the store; a write of {@code hold}
 * then goes on in the store for as long as the test's hook {@code store-unplug} hangs.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-store-unplug")
@VbusMatch("b4d1:0009")
public final class StoreUnplugDriver extends SteeredDriver {
    @Reference
    private VirtualBus vbus;

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
        return List.of(AttributeGroup.of(Attribute.<BoundDevice>wo("eject", (d, value, ctx) -> {
            vbus.unplug(d.name());
            if (value.trim().equals("hold")) { // goes on running its code after its device went
                Steering.hang(hooks, "store-unplug", d.path());
            }
        })));
    }
}
