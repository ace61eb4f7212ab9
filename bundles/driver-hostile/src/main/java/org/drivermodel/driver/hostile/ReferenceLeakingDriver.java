package org.drivermodel.driver.hostile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.api.DriverCore;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * hostile-leak ({@code b4d0:0003}): its probe takes a reference to every class device of another
 * bundle's driver — testdrv's interfaces, {@code /class/testdrv/tdN}, which go with testdrv's
 * bindings — and never puts them.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "hostile-leak")
@VbusMatch("b4d0:0003")
public final class ReferenceLeakingDriver extends SteeredDriver {
    @Reference
    private DriverCore core;

    @Override
    public void probe(BoundDevice device) {
        List<String> held = new ArrayList<>();
        for (Device other : core.devices()) {
            if (!other.deviceClass().equals(Optional.of("testdrv"))) {
                continue;
            }
            core.hold(other.path()); // never put: leaked on purpose
            held.add(other.path());
        }
        steering.outcome("leak", device.path(), "holding " + held);
    }
}
