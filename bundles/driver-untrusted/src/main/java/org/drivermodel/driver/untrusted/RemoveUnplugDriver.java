package org.drivermodel.driver.untrusted;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.testkit.HostileHooks;
import org.drivermodel.vbus.VbusMatch;
import org.drivermodel.vbus.VirtualBus;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * untrusted-remove-unplug ({@code b4d1:0007}): its remove unplugs its own device through the
 * {@link VirtualBus} service (outcome {@code remove-unplug}: what the unplug did).
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-remove-unplug")
@VbusMatch("b4d1:0007")
public final class RemoveUnplugDriver extends SteeredDriver {
    @Reference
    private VirtualBus vbus;

    @Override
    public void probe(BoundDevice device) {
        // binds; the fault is in remove
    }

    @Override
    public void remove(BoundDevice device) {
        HostileHooks h = hooks;
        Steering.outcome(h, "remove", device.path(), "binding " + device.generation());
        String result;
        try {
            vbus.unplug(device.name());
            result = "unplugged";
        } catch (RuntimeException e) {
            result = e.toString();
        }
        Steering.outcome(h, "remove-unplug", device.path(), result);
    }
}
