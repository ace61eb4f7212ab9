package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Optional;

import javax.inject.Inject;

import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.vbus.VirtualBus;

/**
 * {@link DriverModelTestBase} with the virtual bus injected, for the tests that plug and unplug
 * its devices. A test whose bus bundle is restarted under it (BindingIT, StormIT) looks the bus
 * up when it needs it instead: an injected one would be the stopped bundle's.
 */
public abstract class VirtualBusTestBase extends DriverModelTestBase {

    @Inject
    protected VirtualBus vbus;

    /** Unplugs every device plugged into the virtual bus. */
    protected void unplugAll() {
        unplugAll(vbus);
    }

    /**
     * What a test proves still works while a fault is active: an LED (vled's 1209:0001) is
     * plugged, bound, read and unplugged.
     */
    protected void plugReadAndUnplugAnLed() {
        String led = vbus.plug("1209:0001");
        String path = "/devices/vbus/" + led;
        Device device = core.device(path);
        assertEquals(Optional.of("vled"), device.driver());
        assertTrue(read(path + "/max_brightness").matches("\\d+\n"));
        vbus.unplug(led);
        assertEquals(DeviceState.REMOVED, device.state());
    }
}
