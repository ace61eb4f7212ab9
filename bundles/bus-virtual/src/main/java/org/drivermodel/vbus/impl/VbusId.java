package org.drivermodel.vbus.impl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * A vbus id, {@code VVVV:PPPP}: vendor and product, 16 bits each, in hex.
 *
 * @param vendor  the vendor id
 * @param product the product id
 */
record VbusId(int vendor, int product) {
    private static final Pattern ID = Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{4})");
    private static final Pattern MATCH = Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{4}|\\*)");

    /** Product wildcard in a match entry. */
    static final int ANY = -1;

    /**
     * @throws DriverModelException EINVAL unless {@code s} is {@code VVVV:PPPP} in hex
     */
    static VbusId parse(String s) {
        Matcher m = s == null ? null : ID.matcher(s);
        if (m == null || !m.matches()) {
            throw new DriverModelException(Errno.EINVAL, "vbus",
                    "malformed id '" + DriverModelException.quote(s) + "': expected VVVV:PPPP, four hex digits each");
        }
        return new VbusId(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16));
    }

    /** @return the match entry {@code VVVV:PPPP} or {@code VVVV:*}, or null if malformed */
    static VbusId parseMatch(String s) {
        Matcher m = MATCH.matcher(s);
        if (!m.matches()) {
            return null;
        }
        int product = m.group(2).equals("*") ? ANY : Integer.parseInt(m.group(2), 16);
        return new VbusId(Integer.parseInt(m.group(1), 16), product);
    }

    String vendorHex() {
        return String.format("%04x", vendor);
    }

    String productHex() {
        return String.format("%04x", product);
    }

    boolean matches(String vendorHex, String productHex) {
        return vendorHex().equals(vendorHex) && (product == ANY || productHex().equals(productHex));
    }

    @Override
    public String toString() {
        return vendorHex() + ":" + (product == ANY ? "*" : productHex());
    }

}
