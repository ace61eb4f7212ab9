package org.drivermodel.driver.untrusted;

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
 * untrusted-probe-block ({@code b4d1:000d}): its probe blocks (behaviour {@code probe}) for as long
 * as the test's hook does.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-probe-block")
@VbusMatch("b4d1:000d")
public final class BlockingProbeDriver implements Driver {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HostileHooks hooks;

    @Override
    public void probe(BoundDevice device) {
        Steering.hang(hooks, "probe", device.path());
    }

    @Override
    public void remove(BoundDevice device) {
        Steering.outcome(hooks, "remove", device.path(), "binding " + device.generation());
    }
}
