package org.drivermodel.driver.vled;

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.AttributeValues;
import org.drivermodel.api.BoundDevice;
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
 * core removes its attribute files (waiting for reads and writes in flight), then releases
 * the rest, newest first, before that returns.
 *
 * <p>Its attribute files, in the device's directory while it is bound, as Linux's LED class:
 * {@code brightness} (read-write, 0 to {@code max_brightness}; more is clamped) and
 * {@code max_brightness}.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "vled")
@VbusMatch("1209:0001")
public final class VledDriver implements Driver {

    @Reference(service = LoggerFactory.class)
    private Logger log;

    @Override
    public void probe(BoundDevice device) {
        Led led = new Led();                                        // alloc
        led.setBrightness(0);                                       // init: start dark
        device.setDriverData(led);                                  // register
        device.resources().add("led", () -> led.setBrightness(0));  // ... and undo: dark again at unbind
        log.info("vled: {} bound, brightness {}", device.path(), led.brightness());
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        return List.of(AttributeGroup.of(
                Attribute.<BoundDevice>rw("brightness",
                        d -> d.driverData(Led.class).brightness() + "\n",
                        (d, value, ctx) -> d.driverData(Led.class)
                                .setBrightness(AttributeValues.parseUnsigned(value, ctx.path(), 0, Long.MAX_VALUE))),
                Attribute.<BoundDevice>ro("max_brightness", d -> Led.MAX_BRIGHTNESS + "\n")));
    }
}
