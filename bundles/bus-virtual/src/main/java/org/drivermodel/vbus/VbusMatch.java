package org.drivermodel.vbus;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * A vbus driver's id table (Linux {@code MODULE_DEVICE_TABLE}), as a Declarative Services
 * component property type: {@code @VbusMatch({"1209:0001", "1209:0002"})} gives the service
 * property {@code vbus.match}. Each entry is {@code VVVV:PPPP} in hex; {@code VVVV:*}
 * matches every product of a vendor.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface VbusMatch {
    /** The service property name. */
    String PROPERTY = "vbus.match";

    /** @return the ids the driver drives */
    String[] value();
}
