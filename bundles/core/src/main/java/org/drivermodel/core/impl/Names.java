package org.drivermodel.core.impl;

import java.util.regex.Pattern;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/** Validation of the names that become path components of the device tree. */
final class Names {
    /** Linux's NAME_MAX: a path component longer than this cannot be looked up. */
    static final int NAME_MAX = 255;

    private static final Pattern BUS_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    private Names() {
    }

    /**
     * @param name a bus name
     * @return the name
     * @throws DriverModelException EINVAL unless it is 1-32 of [a-z0-9_-], starting with a letter
     */
    static String checkBusName(String name) {
        if (name == null || !BUS_NAME.matcher(name).matches()) {
            throw new DriverModelException(Errno.EINVAL, "bus '" + name + "'",
                    "invalid bus name: expected 1-32 of [a-z0-9_-], starting with a letter");
        }
        return name;
    }

    /**
     * @param owner what the name is for, for the message (e.g. {@code /devices/vbus})
     * @param name  a device or driver name
     * @return the name
     * @throws DriverModelException EINVAL for an empty name, '.', '..', a '/' or a control
     *         character; ENAMETOOLONG past {@link #NAME_MAX} characters
     */
    static String checkComponent(String owner, String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new DriverModelException(Errno.EINVAL, owner, "invalid name '" + name + "'");
        }
        if (name.length() > NAME_MAX) {
            throw new DriverModelException(Errno.ENAMETOOLONG, owner,
                    "name of " + name.length() + " characters, at most " + NAME_MAX);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || Character.isISOControl(c)) {
                throw new DriverModelException(Errno.EINVAL, owner,
                        "invalid character in name '" + DriverModelException.quote(name) + "'");
            }
        }
        return name;
    }
}
