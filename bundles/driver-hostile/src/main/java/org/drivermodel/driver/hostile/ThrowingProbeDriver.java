package org.drivermodel.driver.hostile;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/** hostile-probe ({@code b4d0:0001}): its probe throws, every time. */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "hostile-probe")
@VbusMatch("b4d0:0001")
public final class ThrowingProbeDriver implements Driver {

    @Override
    public void probe(BoundDevice device) {
        throw new IllegalStateException("hostile-probe: the controller of " + device.name() + " is on fire");
    }
}
