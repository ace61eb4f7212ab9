package org.drivermodel.core.impl;

/**
 * What came of offering a device to one driver, and why a probe failed. The cause is handed
 * back to the caller, never kept: an exception from a driver references the driver's classes.
 *
 * @param outcome what happened
 * @param cause   the probe's failure, for REFUSED and DEFERRED; else null
 */
record ProbeResult(Outcome outcome, Throwable cause) {
    /** The driver does not match the device, or is dying. */
    static final ProbeResult NO_MATCH = new ProbeResult(Outcome.NO_MATCH, null);
    /** The driver is bound. */
    static final ProbeResult BOUND = new ProbeResult(Outcome.BOUND, null);

    /** What happened. */
    enum Outcome {
        /** The driver does not match the device, or is dying. */
        NO_MATCH,
        /** The driver's probe succeeded: it is bound. */
        BOUND,
        /** The driver's probe failed: the next matching driver may try. */
        REFUSED,
        /** The driver's probe asked to be retried later (EPROBE_DEFER). */
        DEFERRED
    }

    static ProbeResult refused(Throwable cause) {
        return new ProbeResult(Outcome.REFUSED, cause);
    }

    static ProbeResult deferred(Throwable cause) {
        return new ProbeResult(Outcome.DEFERRED, cause);
    }

    boolean is(Outcome o) {
        return outcome == o;
    }
}
