package org.drivermodel.driver.untrusted;

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.testkit.HandOver;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/**
 * untrusted-stale-handle ({@code b4d1:000c}): its probe keeps {@code "generation N"} as driver data
 * and hands its {@link BoundDevice} to another bundle (the test's {@link HandOver}, behaviour
 * {@code stale-handle}), which may use it after the binding ended. Its attribute {@code data} shows
 * the driver data of the binding it belongs to.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-stale-handle")
@VbusMatch("b4d1:000c")
public final class StaleHandleDriver extends SteeredDriver {
    @Override
    public void probe(BoundDevice device) {
        device.setDriverData("generation " + device.generation());
        Steering.handOver(handOver, "stale-handle", device.path(), device);
    }

    @Override
    public void remove(BoundDevice device) {
        Steering.outcome(hooks, "remove", device.path(), "binding " + device.generation());
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        return List.of(AttributeGroup.of(Attribute.<BoundDevice>ro("data", d -> d.driverData(String.class) + "\n")));
    }
}
