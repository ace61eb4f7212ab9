package org.drivermodel.platform.impl;

import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.platform.PlatformDevices;

/**
 * One validated device declaration: its name and its properties ({@code compatible} among them).
 *
 * @param name       the device name
 * @param properties the device's properties, {@code compatible} included; unmodifiable
 */
record DeviceDeclaration(String name, Map<String, String> properties) {
    /** Longest device name. */
    static final int NAME_MAX = 64;

    /** Configuration-internal keys, not device properties. */
    private static final Set<String> INTERNAL = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "felix.fileinstall.filename", "component.name", "component.id");

    DeviceDeclaration {
        properties = Map.copyOf(properties);
    }

    /** @return the compatible string */
    String compatible() {
        return properties.get(PlatformDevices.COMPATIBLE);
    }

    /**
     * Validates a configuration.
     *
     * @param pid        the configuration's PID, to name it in errors
     * @param properties its properties
     * @throws DriverModelException EINVAL naming the configuration and the key, ENAMETOOLONG for
     *         an overlong name
     */
    static DeviceDeclaration from(String pid, Dictionary<String, ?> properties) {
        String what = "configuration " + pid;
        if (properties == null) {
            throw new DriverModelException(Errno.EINVAL, what, "no properties");
        }
        String name = requireString(what, properties, PlatformDevices.NAME);
        if (name.length() > NAME_MAX) {
            throw new DriverModelException(Errno.ENAMETOOLONG, what + ": " + PlatformDevices.NAME,
                    "'" + DriverModelException.quote(name.substring(0, 16)) + "...' has " + name.length()
                            + " characters, at most " + NAME_MAX);
        }
        if (!name.matches("[A-Za-z0-9._:-]+") || name.equals(".") || name.equals("..")) {
            throw new DriverModelException(Errno.EINVAL, what + ": " + PlatformDevices.NAME,
                    "'" + DriverModelException.quote(name) + "' is not 1-" + NAME_MAX + " of [A-Za-z0-9._:-]");
        }
        String compatible = requireString(what, properties, PlatformDevices.COMPATIBLE);
        if (!compatible.matches("[a-z0-9][a-z0-9._-]*,[a-z0-9][a-z0-9._-]*")) {
            throw new DriverModelException(Errno.EINVAL, what + ": " + PlatformDevices.COMPATIBLE,
                    "'" + DriverModelException.quote(compatible) + "' is not vendor,model (lower case)");
        }
        Map<String, String> props = new TreeMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            Object value = properties.get(key);
            if (INTERNAL.contains(key)) {
                continue;
            }
            if (!(value instanceof String s)) {
                throw new DriverModelException(Errno.EINVAL, what + ": " + key, "device properties are strings, this is a "
                        + (value == null ? "null" : value.getClass().getSimpleName()));
            }
            props.put(key, s);
        }
        props.put(PlatformDevices.NAME, name);
        props.put(PlatformDevices.COMPATIBLE, compatible);
        return new DeviceDeclaration(name, props);
    }

    private static String requireString(String what, Dictionary<String, ?> properties, String key) {
        Object v = properties.get(key);
        if (v == null) {
            throw new DriverModelException(Errno.EINVAL, what + ": " + key, "missing");
        }
        if (!(v instanceof String s)) {
            throw new DriverModelException(Errno.EINVAL, what + ": " + key, "must be a string, is a " + v.getClass().getSimpleName());
        }
        String t = s.strip();
        if (t.isEmpty()) {
            throw new DriverModelException(Errno.EINVAL, what + ": " + key, "is empty");
        }
        return t;
    }
}
