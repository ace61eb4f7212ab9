package org.drivermodel.core.impl;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * Copies a driver's service property into plain JDK values, so that matching (bus code reading
 * the driver's properties) never runs the driver's code nor keeps its classes: strings, numbers,
 * booleans and characters as they are; arrays and collections as unmodifiable lists of those.
 *
 * <p>Concurrency: stateless.
 */
final class PropertyValues {
    /** The most elements a list-valued property may have: an id table, not a data set. */
    static final int MAX_ELEMENTS = 4096;

    private PropertyValues() {
    }

    /**
     * @return the value as JDK values
     * @throws DriverModelException EINVAL naming the property if it holds anything else, or
     *         reading it fails (the driver's own collection throwing, say)
     */
    static Object copy(String what, String key, Object value) {
        try {
            if (value == null || isScalar(value)) {
                return value;
            }
            if (value.getClass().isArray()) {
                int n = Array.getLength(value);
                checkSize(what, key, n);
                List<Object> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(scalar(what, key, Array.get(value, i)));
                }
                return List.copyOf(out);
            }
            if (value instanceof Collection<?> c) {
                List<Object> out = new ArrayList<>();
                for (Object e : c) {
                    checkSize(what, key, out.size() + 1);
                    out.add(scalar(what, key, e));
                }
                return List.copyOf(out);
            }
        } catch (DriverModelException e) {
            throw e;
        } catch (Throwable t) { // the driver's own collection: contained, the driver refused
            throw new DriverModelException(Errno.EINVAL, what, "service property " + key + " could not be read: "
                    + DriverCall.describe(t));
        }
        throw new DriverModelException(Errno.EINVAL, what, "service property " + key + " is a "
                + value.getClass().getName() + ", not a string, number, boolean, or an array or collection of those");
    }

    private static Object scalar(String what, String key, Object e) {
        if (e == null || !isScalar(e)) {
            throw new DriverModelException(Errno.EINVAL, what, "service property " + key + " has an element that is "
                    + (e == null ? "null" : "a " + e.getClass().getName()) + ", not a string, number or boolean");
        }
        return e;
    }

    private static void checkSize(String what, String key, int n) {
        if (n > MAX_ELEMENTS) {
            throw new DriverModelException(Errno.EINVAL, what, "service property " + key + " has more than "
                    + MAX_ELEMENTS + " elements");
        }
    }

    /** @return whether it is an immutable JDK scalar (its class from the boot loader) */
    private static boolean isScalar(Object v) {
        return (v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof Character)
                && v.getClass().getClassLoader() == null;
    }
}
