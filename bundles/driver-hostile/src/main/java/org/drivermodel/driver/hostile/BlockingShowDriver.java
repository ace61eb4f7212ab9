package org.drivermodel.driver.hostile;

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/** hostile-show ({@code b4d0:0004}): the {@code show} of its attribute {@code value} blocks. */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "hostile-show")
@VbusMatch("b4d0:0004")
public final class BlockingShowDriver extends SteeredDriver {
    @Override
    public void probe(BoundDevice device) {
        // binds; its attribute is all it has
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        return List.of(AttributeGroup.of(Attribute.<BoundDevice>ro("value", this::show)));
    }

    private String show(Device device) {
        steering.hang("show", device.path());
        return "stuck\n";
    }
}
