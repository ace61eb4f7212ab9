package org.drivermodel.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The service properties that make a {@link Driver} service known to the core, as a
 * Declarative Services component property type:
 *
 * <pre>
 * &#64;Component(service = Driver.class)
 * &#64;DriverBinding(bus = "vbus", driver = "vled")
 * public class VledDriver implements Driver { ... }
 * </pre>
 *
 * gives the properties {@code drivermodel.bus=vbus} and {@code drivermodel.driver=vled}.
 * {@code asyncProbe = true} (Linux {@code PROBE_PREFER_ASYNCHRONOUS}) lets the core probe
 * new devices for the driver on its probe threads rather than in the thread that added the
 * device, so that a slow probe does not hold up a bus's enumeration;
 * {@link DriverCore#awaitProbes} waits for them (Linux {@code wait_for_device_probe}).
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface DriverBinding {
    /** Prefix of the property names. */
    String PREFIX_ = "drivermodel.";

    /** Property name of the bus. */
    String BUS = "drivermodel.bus";

    /** Property name of the driver. */
    String DRIVER = "drivermodel.driver";

    /** Property name of the asynchronous-probe preference. */
    String ASYNC_PROBE = "drivermodel.asyncProbe";

    /** @return the name of the bus the driver drives devices of */
    String bus();

    /** @return the driver's name, unique on its bus */
    String driver();

    /** @return true if new devices may be probed for this driver asynchronously */
    boolean asyncProbe() default false;
}
