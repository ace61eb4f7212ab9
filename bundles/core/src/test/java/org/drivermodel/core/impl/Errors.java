package org.drivermodel.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.function.Executable;

/** Assertions on the driver model's errors. */
final class Errors {
    private Errors() {
    }

    /** Asserts that {@code call} fails with {@code errno}, and returns the error. */
    static DriverModelException assertErrno(Errno errno, Executable call) {
        DriverModelException e = assertThrows(DriverModelException.class, call);
        assertEquals(errno, e.errno(), e.getMessage());
        return e;
    }
}
