package org.drivermodel.driver.untrusted;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.DeviceRef;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.api.DriverCore;
import org.drivermodel.testkit.HandOver;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * untrusted-hand-on-ref ({@code b4d1:000f}): its probe takes a reference to its own device through
 * the core and hands it to another bundle (the test's {@link HandOver}, behaviour
 * {@code hand-on-ref}), never putting it: a reference that outlives the driver's bundle, held by
 * a bundle that is not the one that took it.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-hand-on-ref")
@VbusMatch("b4d1:000f")
public final class HandOnRefDriver extends SteeredDriver {
    @Reference
    private DriverCore core;

    @Override
    public void probe(BoundDevice device) {
        DeviceRef ref = core.hold(device.path());
        Steering.handOver(handOver, "hand-on-ref", device.path(), ref);
    }

    @Override
    public void remove(BoundDevice device) {
        // the reference is not put here: it was handed on
    }
}
