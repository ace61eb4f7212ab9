package org.drivermodel.driver.untrusted;

import java.util.List;

import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/**
 * untrusted-groups-error ({@code b4d1:0003}): its probe succeeds, its {@code deviceAttributes()}
 * throws a {@link LinkageError}, every time.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-groups-error")
@VbusMatch("b4d1:0003")
public final class AttributesErrorDriver extends SteeredDriver {
    @Override
    public void probe(BoundDevice device) {
        Steering.outcome(hooks, "probe", device.path(), "binding " + device.generation());
    }

    @Override
    public void remove(BoundDevice device) {
        Steering.outcome(hooks, "remove", device.path(), "binding " + device.generation());
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        throw new LinkageError("untrusted-groups-error: its attribute table is missing");
    }
}
