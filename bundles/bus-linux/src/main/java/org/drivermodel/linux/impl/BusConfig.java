package org.drivermodel.linux.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The bus's configuration (PID {@value #PID}): {@code subsystems}, the kernel subsystems to
 * mirror (a list, or one string of names separated by commas or spaces); {@code net} when unset.
 */
final class BusConfig {
    static final String PID = "org.drivermodel.linux";
    static final String SUBSYSTEMS = "subsystems";
    static final Set<String> DEFAULT = Set.of("net");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private BusConfig() {
    }

    /**
     * @return the subsystems the configuration names
     * @throws DriverModelException EINVAL naming the configuration and the value, for an empty
     *         list or a name that is no kernel subsystem's ({@code ../etc}, {@code Net})
     */
    static Set<String> subsystems(Map<String, ?> config) {
        Object value = config.get(SUBSYSTEMS);
        if (value == null) {
            return DEFAULT;
        }
        List<String> words = new ArrayList<>();
        if (value instanceof String s) {
            words.addAll(List.of(s.trim().split("[,\\s]+")));
        } else if (value instanceof String[] many) {
            words.addAll(List.of(many));
        } else if (value instanceof Collection<?> many) {
            many.forEach(o -> words.add(String.valueOf(o)));
        } else {
            words.add(String.valueOf(value));
        }
        Set<String> names = new LinkedHashSet<>();
        for (String w : words) {
            String name = w.trim();
            if (!NAME.matcher(name).matches()) {
                throw new DriverModelException(Errno.EINVAL, "configuration " + PID,
                        SUBSYSTEMS + ": " + DriverModelException.quote(name) + " is not a kernel subsystem's name ([a-z0-9_-], 1 to 64)");
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            throw new DriverModelException(Errno.EINVAL, "configuration " + PID, SUBSYSTEMS + " names no subsystem");
        }
        return Set.copyOf(names);
    }
}
