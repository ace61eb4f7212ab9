package org.drivermodel.driver.untrusted;

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/** untrusted-huge-show ({@code b4d1:0005}): the {@code show} of its attribute {@code huge} returns 16 MiB. */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-huge-show")
@VbusMatch("b4d1:0005")
public final class HugeShowDriver implements Driver {
    /** What its show returns: 16 Mi characters, 4096 times a page. */
    static final int HUGE = 16 << 20;

    @Override
    public void probe(BoundDevice device) {
        // binds; the fault is in its attribute
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        return List.of(AttributeGroup.of(Attribute.<BoundDevice>ro("huge", d -> "h".repeat(HUGE))));
    }
}
