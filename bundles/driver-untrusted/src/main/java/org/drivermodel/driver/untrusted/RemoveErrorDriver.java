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

/** untrusted-remove-error ({@code b4d1:0001}): its remove throws an {@link AssertionError}, every time. */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-remove-error")
@VbusMatch("b4d1:0001")
public final class RemoveErrorDriver implements Driver {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HostileHooks hooks;

    @Override
    public void probe(BoundDevice device) {
        // binds; the fault is in remove
    }

    @Override
    public void remove(BoundDevice device) {
        Steering.outcome(hooks, "remove", device.path(), "binding " + device.generation());
        throw new AssertionError("untrusted-remove-error: " + device.name() + " will not let go");
    }
}
