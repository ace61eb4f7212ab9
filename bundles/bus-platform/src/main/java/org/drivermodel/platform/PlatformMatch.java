package org.drivermodel.platform;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * A platform driver's match table (Linux {@code of_match_table}), as a Declarative Services
 * component property type: {@code @PlatformMatch("drivermodel,virtual-thermal")} gives the
 * service property {@code platform.match} (the name Declarative Services derives from a
 * single-element annotation's type name); a device matches when its {@code compatible} is one
 * of them.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface PlatformMatch {
    /** The service property name. */
    String PROPERTY = "platform.match";

    /** @return the compatible strings the driver drives */
    String[] value();
}
