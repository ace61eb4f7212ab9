package org.drivermodel.driver.untrusted;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/** untrusted-remove-error ({@code b4d1:0001}): its remove throws an {@link AssertionError}, every time. */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-remove-error")
@VbusMatch("b4d1:0001")
public final class RemoveErrorDriver extends SteeredDriver {
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
