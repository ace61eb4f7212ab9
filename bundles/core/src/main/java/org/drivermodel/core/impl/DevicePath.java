package org.drivermodel.core.impl;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * A parsed reference to a device: a path in the device tree ({@code /devices/...}),
 * {@code /bus/<bus>/devices/<name>}, {@code /class/<class>/<name>} or {@code <bus>/<name>}.
 *
 * @param form      which of those
 * @param path      the tree path (form TREE)
 * @param subsystem the bus or class (forms BUS, CLASS)
 * @param name      the device name (forms BUS, CLASS)
 */
record DevicePath(Form form, String path, String subsystem, String name) {
    /** Linux's PATH_MAX. */
    static final int PATH_MAX = 4096;

    /** How the device was named. */
    enum Form {
        /** By its path under /devices. */
        TREE,
        /** By bus and name. */
        BUS,
        /** By class and name. */
        CLASS
    }

    /**
     * @throws DriverModelException EINVAL for an empty or malformed path ('..', '.', '//', a
     *         trailing '/'), ENAMETOOLONG past {@link #PATH_MAX}, ENOENT for a path outside
     *         the device tree
     */
    static DevicePath parse(String s) {
        if (s == null || s.isBlank()) {
            throw new DriverModelException(Errno.EINVAL, "device path", "empty");
        }
        String shown = DriverModelException.quote(s);
        if (s.length() > PATH_MAX) {
            throw new DriverModelException(Errno.ENAMETOOLONG, shown,
                    "path of " + s.length() + " characters, at most " + PATH_MAX);
        }
        String[] parts = s.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].equals(".") || parts[i].equals("..")) {
                throw new DriverModelException(Errno.EINVAL, shown, "malformed path");
            }
        }
        if (parts[0].equals("..") || parts[0].equals(".")) {
            throw new DriverModelException(Errno.EINVAL, shown, "malformed path");
        }
        if (parts.length >= 4 && parts[0].isEmpty() && parts[1].equals("devices")) {
            return new DevicePath(Form.TREE, s, null, null);
        }
        if (parts.length == 5 && parts[0].isEmpty() && parts[1].equals("bus") && parts[3].equals("devices")) {
            return new DevicePath(Form.BUS, null, parts[2], parts[4]);
        }
        if (parts.length == 4 && parts[0].isEmpty() && parts[1].equals("class")) {
            return new DevicePath(Form.CLASS, null, parts[2], parts[3]);
        }
        if (parts.length == 2 && !parts[0].isEmpty()) {
            return new DevicePath(Form.BUS, null, parts[0], parts[1]);
        }
        throw new DriverModelException(Errno.ENOENT, shown, "not a device: expected /devices/..., "
                + "/bus/<bus>/devices/<name>, /class/<class>/<name> or <bus>/<name>");
    }
}
