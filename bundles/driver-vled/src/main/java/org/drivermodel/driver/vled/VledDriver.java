package org.drivermodel.driver.vled;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 * controller, register it. {@code remove} undoes the registration; the core calls it when the
 * LED is unplugged and when this bundle stops, before the stop returns.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "vled")
@VbusMatch("1209:0001")
public final class VledDriver implements Driver {

    @Reference(service = LoggerFactory.class)
    private Logger log;

    /** The LEDs this driver drives, by device path. */
    private final Map<String, Led> leds = new ConcurrentHashMap<>();

    @Override
    public void probe(Device device) {
        Led led = new Led(device.path());   // alloc
        led.setBrightness(0);               // init: start dark
        leds.put(device.path(), led);       // register
        log.info("vled: {} bound, brightness {}", device.path(), led.brightness());
    }

    @Override
    public void remove(Device device) {
        leds.remove(device.path());
        log.info("vled: {} unbound", device.path());
    }
}
