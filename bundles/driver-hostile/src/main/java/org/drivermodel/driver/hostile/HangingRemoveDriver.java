package org.drivermodel.driver.hostile;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/** hostile-remove ({@code b4d0:0002}): its remove hangs (for as long as the test's hook blocks). */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "hostile-remove")
@VbusMatch("b4d0:0002")
public final class HangingRemoveDriver extends SteeredDriver {
    @Override
    public void probe(BoundDevice device) {
        // binds; nothing to set up
    }

    @Override
    public void remove(BoundDevice device) {
        steering.hang("remove", device.path());
    }
}
