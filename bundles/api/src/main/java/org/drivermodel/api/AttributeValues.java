package org.drivermodel.api;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * Parsing of written attribute values as Linux's {@code kstrto*} helpers do, so that every
 * attribute refuses bad input the same way: one trailing newline is allowed (what
 * {@code echo} writes), nothing else around the number.
 */
public final class AttributeValues {
    private AttributeValues() {
    }

    /**
     * Linux {@code kstrtoul(s, 10, ...)} followed by a range check.
     *
     * @param value  the written text
     * @param object the attribute's path, for the error
     * @param min    the least value allowed
     * @param max    the greatest value allowed
     * @return the value
     * @throws DriverModelException EINVAL for empty text, a sign, anything not a decimal digit,
     *         or a value outside {@code min..max}; ERANGE for more than 64 bits
     */
    public static long parseUnsigned(String value, String object, long min, long max) {
        String s = stripNewline(value, object);
        if (s.isEmpty()) {
            throw new DriverModelException(Errno.EINVAL, object, "empty value");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new DriverModelException(Errno.EINVAL, object, "not a decimal number: '" + DriverModelException.quote(s) + "'");
            }
        }
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new DriverModelException(Errno.ERANGE, object, "out of range: '" + DriverModelException.quote(s) + "'");
        }
        if (v < min || v > max) {
            throw new DriverModelException(Errno.EINVAL, object, v + " is not in " + min + ".." + max);
        }
        return v;
    }

    /**
     * Linux {@code kstrtobool}: {@code 1 y Y on} are true, {@code 0 n N off} are false.
     *
     * @throws DriverModelException EINVAL for anything else
     */
    public static boolean parseBoolean(String value, String object) {
        return switch (stripNewline(value, object)) {
            case "1", "y", "Y", "on", "ON", "On" -> true;
            case "0", "n", "N", "off", "OFF", "Off" -> false;
            default -> throw new DriverModelException(Errno.EINVAL, object,
                    "expected 1/0, y/n or on/off, got '" + DriverModelException.quote(value) + "'");
        };
    }

    /**
     * @return the text without one trailing newline
     * @throws DriverModelException EINVAL for null
     */
    public static String stripNewline(String value, String object) {
        if (value == null) {
            throw new DriverModelException(Errno.EINVAL, object, "no value");
        }
        return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
    }

}
