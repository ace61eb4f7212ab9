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

    /** @return the name of the bus the driver drives devices of */
    String bus();

    /** @return the driver's name, unique on its bus */
    String driver();
}
