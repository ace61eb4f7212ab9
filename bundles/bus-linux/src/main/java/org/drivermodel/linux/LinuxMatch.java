package org.drivermodel.linux;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * A driver's match on the {@code linux} bus, as a component property type: the kernel
 * subsystems it drives ({@code linux.subsystem}). Narrow it with service properties
 * {@code linux.match.<VARIABLE>=<regular expression>}, e.g. from a configuration
 * {@code linux.match.INTERFACE=dm-.*}: every one must match the device's variable whole.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface LinuxMatch {
    /** the prefix of the properties this annotation sets */
    String PREFIX_ = "linux.";
    /** the service property naming the subsystems */
    String SUBSYSTEM = "linux.subsystem";
    /** the prefix of the service properties matching one uevent variable each */
    String VARIABLE_PREFIX = "linux.match.";

    /** @return the kernel subsystems, e.g. {@code net} */
    String[] subsystem();
}
