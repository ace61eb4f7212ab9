package org.drivermodel.driver.hostile;

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.testkit.HostileHooks;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** hostile-show ({@code b4d0:0004}): the {@code show} of its attribute {@code value} blocks. */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "hostile-show")
@VbusMatch("b4d0:0004")
public final class BlockingShowDriver implements Driver {
    private final Steering steering = new Steering();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindHooks(HostileHooks h) {
        steering.bind(h);
    }

    void unbindHooks(HostileHooks h) {
        steering.unbind(h);
    }

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
