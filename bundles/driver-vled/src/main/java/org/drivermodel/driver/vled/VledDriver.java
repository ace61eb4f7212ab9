package org.drivermodel.driver.vled;

import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The vled driver. A driver is a Declarative Services component offering {@link Driver},
 * with the bus it drives and its name ({@link DriverBinding}) and its id table
 * ({@link VbusMatch}) as service properties: the core matches devices against those without
 * running any of this code.
 *
 * <p>{@code probe} follows the recipe: allocate the per-device state, initialise the
 * controller, register it. Everything it sets up is a managed resource of the binding, so
 * there is no {@code remove}: when the LED is unplugged, unbound, or this bundle stops, the
 * core releases it all, newest first, before that returns.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "vled")
@VbusMatch("1209:0001")
public final class VledDriver implements Driver {

    @Reference(service = LoggerFactory.class)
    private Logger log;

    @Override
    public void probe(Device device) {
        Led led = new Led(device.path());                           // alloc
        led.setBrightness(0);                                       // init: start dark
        device.setDriverData(led);                                  // register
        device.resources().add("led", () -> led.setBrightness(0));  // ... and undo: dark again at unbind
        log.info("vled: {} bound, brightness {}", device.path(), led.brightness());
    }
}
