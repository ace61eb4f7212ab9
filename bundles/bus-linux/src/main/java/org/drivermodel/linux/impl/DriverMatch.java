package org.drivermodel.linux.impl;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.linux.LinuxMatch;

/**
 * The linux bus's {@code match}, from a driver's service properties alone: its
 * {@code linux.subsystem} names the device's subsystem, and every
 * {@code linux.match.<VARIABLE>} regular expression matches that variable of the device whole
 * (a device without the variable does not match). Stateless.
 */
final class DriverMatch {
    private DriverMatch() {
    }

    /**
     * @param device     the device's variables, by name (null when it has none of that name)
     * @param driver     the driver's service properties
     * @param driverName the driver, for the error
     * @param malformed  told of a malformed expression (EINVAL naming the driver); it then matches nothing
     * @return whether the driver matches the device
     */
    static boolean matches(Function<String, String> device, Map<String, Object> driver, String driverName,
            Consumer<DriverModelException> malformed) {
        if (!values(driver.get(LinuxMatch.SUBSYSTEM)).contains(device.apply("SUBSYSTEM"))) {
            return false;
        }
        for (Map.Entry<String, Object> p : driver.entrySet()) {
            if (!p.getKey().startsWith(LinuxMatch.VARIABLE_PREFIX)) {
                continue;
            }
            String value = device.apply(p.getKey().substring(LinuxMatch.VARIABLE_PREFIX.length()));
            String regex = String.valueOf(p.getValue());
            try {
                if (value == null || !Pattern.compile(regex).matcher(value).matches()) {
                    return false;
                }
            } catch (PatternSyntaxException e) {
                malformed.accept(new DriverModelException(Errno.EINVAL, "driver " + driverName, p.getKey() + ": "
                        + DriverModelException.quote(regex) + " is no regular expression (" + e.getDescription() + "): it matches no device"));
                return false;
            }
        }
        return true;
    }

    private static List<String> values(Object property) {
        if (property instanceof String[] many) {
            return List.of(many);
        } else if (property instanceof Collection<?> many) {
            return many.stream().map(String::valueOf).toList();
        }
        return property == null ? List.of() : List.of(String.valueOf(property));
    }
}
