package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.function.ThrowingRunnable;

/** Assertions on the driver model's errors. */
final class Errors {
    private Errors() {
    }

    /** Asserts that {@code call} fails with {@code errno}, and returns the error. */
    static DriverModelException assertErrno(Errno errno, ThrowingRunnable call) {
        DriverModelException e = assertThrows(DriverModelException.class, call);
        assertEquals(e.getMessage(), errno, e.errno());
        return e;
    }
}
