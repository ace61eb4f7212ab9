package org.drivermodel.error;

import java.util.Objects;

/**
 * The error every driver-model operation reports to its caller: a Linux-style code, the
 * object it is about (a path such as {@code /devices/vbus0/1209:0001.1}, a driver or bus
 * name) and a short reason. The message reads {@code ENODEV: <object>: <reason>}.
 *
 * <p>Unchecked, because it crosses callbacks and lambdas; the code, not the type, tells
 * the caller what happened.
 */
public class DriverModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;
    private final String object;

    /**
     * @param errno  the code
     * @param object the object the error is about; never empty
     * @param reason a short, lower-case reason
     */
    public DriverModelException(Errno errno, String object, String reason) {
        this(errno, object, reason, null);
    }

    /**
     * @param errno  the code
     * @param object the object the error is about
     * @param reason a short, lower-case reason
     * @param cause  what caused it, if anything
     */
    public DriverModelException(Errno errno, String object, String reason, Throwable cause) {
        super(errno + ": " + object + ": " + reason, cause);
        this.errno = Objects.requireNonNull(errno, "errno");
        this.object = Objects.requireNonNull(object, "object");
    }

    /** At most this much of an input is shown in a message: enough to recognise it. */
    private static final int QUOTE_MAX = 80;

    /**
     * Renders untrusted input for a message: control characters as {@code \xNN}, at most
     * {@value #QUOTE_MAX} characters (then {@code ...}), {@code null} as {@code null}; so that a
     * message always stays one printable line.
     *
     * @param input what the caller gave
     * @return the text to show
     */
    public static String quote(String input) {
        if (input == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(input.length(), QUOTE_MAX) + 8);
        input.codePoints().limit(QUOTE_MAX).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        if (input.codePointCount(0, input.length()) > QUOTE_MAX) {
            b.append("...");
        }
        return b.toString();
    }

    /** @return the Linux-style code */
    public Errno errno() {
        return errno;
    }

    /** @return the object the error is about */
    public String object() {
        return object;
    }
}
