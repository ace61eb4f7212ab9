package org.drivermodel.core.impl;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * A parsed reference to a device: {@code /devices/<bus>/<name>},
 * {@code /bus/<bus>/devices/<name>} or {@code <bus>/<name>}.
 *
 * @param bus  the bus name
 * @param name the device name
 */
record DevicePath(String bus, String name) {
    /** Linux's PATH_MAX. */
    static final int PATH_MAX = 4096;

    /**
     * @throws DriverModelException EINVAL for an empty or malformed path ('..', '//', a
     *         trailing '/'), ENAMETOOLONG past {@link #PATH_MAX}, ENOENT for a path outside
     *         the device tree
     */
    static DevicePath parse(String s) {
        if (s == null || s.isBlank()) {
            throw new DriverModelException(Errno.EINVAL, "device path", "empty");
        }
        String shown = Names.printable(s);
        if (s.length() > PATH_MAX) {
            throw new DriverModelException(Errno.ENAMETOOLONG, shown.substring(0, 64) + "...",
                    "path of " + s.length() + " characters, at most " + PATH_MAX);
        }
        if (s.contains("//") || s.endsWith("/") || s.contains("/../") || s.endsWith("/..") || s.startsWith("../")
                || s.contains("/./")) {
            throw new DriverModelException(Errno.EINVAL, shown, "malformed path");
        }
        String[] parts = s.split("/", -1);
        if (parts.length == 4 && parts[0].isEmpty() && parts[1].equals("devices")) {
            return new DevicePath(parts[2], parts[3]);
        }
        if (parts.length == 5 && parts[0].isEmpty() && parts[1].equals("bus") && parts[3].equals("devices")) {
            return new DevicePath(parts[2], parts[4]);
        }
        if (parts.length == 2 && !parts[0].isEmpty()) {
            return new DevicePath(parts[0], parts[1]);
        }
        throw new DriverModelException(Errno.ENOENT, shown,
                "not a device: expected /devices/<bus>/<name>, /bus/<bus>/devices/<name> or <bus>/<name>");
    }
}
