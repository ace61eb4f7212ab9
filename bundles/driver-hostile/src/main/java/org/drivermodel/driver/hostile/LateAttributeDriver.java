package org.drivermodel.driver.hostile;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/**
 * hostile-late ({@code b4d0:0007}): its remove leaves behind a thread, {@code hostile-late <device>},
 * that registers an attribute group ({@code late}) on the device after the remove has returned
 * (once the test's hook lets it), and tells the test what came of it.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "hostile-late")
@VbusMatch("b4d0:0007")
public final class LateAttributeDriver extends SteeredDriver {
    @Override
    public void probe(BoundDevice device) {
        // binds; the misbehaviour is in remove
    }

    @Override
    public void remove(BoundDevice device) {
        String path = device.path();
        Thread late = new Thread(() -> {
            steering.hang("late-attribute", path);
            String result;
            try {
                device.addAttributes(AttributeGroup.of(Attribute.<BoundDevice>ro("late", d -> "too late\n")));
                result = "ok";
            } catch (RuntimeException e) {
                result = e.toString();
            }
            steering.outcome("late-attribute", path, result);
        }, "hostile-late " + device.name());
        late.setDaemon(true);
        late.start();
    }
}
