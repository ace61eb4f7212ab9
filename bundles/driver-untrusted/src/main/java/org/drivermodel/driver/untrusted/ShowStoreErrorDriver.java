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
 * untrusted-attr-error ({@code b4d1:0004}): the {@code show} of its attribute {@code bad} throws an
 * {@link InternalError}, its {@code store} an {@link ExceptionInInitializerError}, every time; its
 * attribute {@code good} works.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-attr-error")
@VbusMatch("b4d1:0004")
public final class ShowStoreErrorDriver implements Driver {

    @Override
    public void probe(BoundDevice device) {
        // binds; the faults are in its attribute
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        return List.of(AttributeGroup.of(
                Attribute.<BoundDevice>rw("bad", d -> {
                    throw new InternalError("untrusted-attr-error: show of " + d.name());
                }, (d, value, ctx) -> {
                    throw new ExceptionInInitializerError("untrusted-attr-error: store of " + d.name());
                }),
                Attribute.<BoundDevice>ro("good", d -> "fine\n")));
    }
}
