package org.drivermodel.driver.untrusted;

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/**
 * untrusted-plain ({@code b4d1:0000}): the control, a well-behaved driver in the same bundle as
 * the untrusted ones. Its attribute {@code generation} shows the binding's generation.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-plain")
@VbusMatch("b4d1:0000")
public final class PlainDriver implements Driver {

    @Override
    public void probe(BoundDevice device) {
        // binds; nothing to set up
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        return List.of(AttributeGroup.of(Attribute.<BoundDevice>ro("generation", d -> d.generation() + "\n")));
    }
}
