package org.drivermodel.driver.untrusted;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.drivermodel.vbus.VirtualBus;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * untrusted-probe-unplug ({@code b4d1:0006}): its probe unplugs its own device through the
 * {@link VirtualBus} service, and tells the test what it saw once the unplug returned (outcome
 * {@code probe-unplug}: the result of the unplug and the device's state then).
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-probe-unplug")
@VbusMatch("b4d1:0006")
public final class ProbeUnplugDriver extends SteeredDriver {
    @Reference
    private VirtualBus vbus;

    @Override
    public void probe(BoundDevice device) {
        String result;
        try {
            vbus.unplug(device.name());
            result = "unplugged";
        } catch (RuntimeException e) {
            result = e.toString();
        }
        Steering.outcome(hooks, "probe-unplug", device.path(), result + ", device " + device.state());
    }

    @Override
    public void remove(BoundDevice device) {
        Steering.outcome(hooks, "remove", device.path(), "binding " + device.generation());
    }
}
