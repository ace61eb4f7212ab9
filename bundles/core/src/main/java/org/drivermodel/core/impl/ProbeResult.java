package org.drivermodel.core.impl;

import org.drivermodel.error.Errno;

/**
 * What came of offering a device to one driver, and why a probe failed: only an errno and text,
 * never the driver's throwable (it references the driver's classes).
 *
 * @param outcome what happened
 * @param errno   the failure's errno, for REFUSED and DEFERRED; else null
 * @param reason  the failure as text, for REFUSED and DEFERRED; else null
 */
record ProbeResult(Outcome outcome, Errno errno, String reason) {
    /** The driver does not match the device, or is dying. */
    static final ProbeResult NO_MATCH = new ProbeResult(Outcome.NO_MATCH, null, null);
    /** The driver is bound. */
    static final ProbeResult BOUND = new ProbeResult(Outcome.BOUND, null, null);

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

    static ProbeResult refused(Errno errno, String reason) {
        return new ProbeResult(Outcome.REFUSED, errno, reason);
    }

    static ProbeResult deferred(Errno errno, String reason) {
        return new ProbeResult(Outcome.DEFERRED, errno, reason);
    }

    boolean is(Outcome o) {
        return outcome == o;
    }
}
