package org.drivermodel.driver.untrusted;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.testkit.HostileHooks;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/**
 * untrusted-probe-error ({@code b4d1:0002}): its probe adds a managed resource, then throws a
 * {@link StackOverflowError}, every time. The resource's release tells the test it was unwound.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-probe-error")
@VbusMatch("b4d1:0002")
public final class ProbeErrorDriver extends SteeredDriver {
    @Override
    public void probe(BoundDevice device) {
        HostileHooks h = hooks;
        String path = device.path();
        long generation = device.generation();
        device.resources().add("irq", () -> Steering.outcome(h, "released", path, "binding " + generation));
        throw new StackOverflowError("untrusted-probe-error: " + device.name() + " recursed into itself");
    }

    @Override
    public void remove(BoundDevice device) {
        Steering.outcome(hooks, "remove", device.path(), "binding " + device.generation());
    }
}
