package org.drivermodel.driver.untrusted;

import java.util.List;

import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.testkit.HostileHooks;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * untrusted-groups-error ({@code b4d1:0003}): its probe succeeds, its {@code deviceAttributes()}
 * throws a {@link LinkageError}, every time.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-groups-error")
@VbusMatch("b4d1:0003")
public final class AttributesErrorDriver implements Driver {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HostileHooks hooks;

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
