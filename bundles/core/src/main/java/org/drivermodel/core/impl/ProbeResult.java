package org.drivermodel.core.impl;

/** What came of offering a device to one driver. */
enum ProbeResult {
    /** The driver does not match the device, or is dying. */
    NO_MATCH,
    /** The driver's probe succeeded: it is bound. */
    BOUND,
    /** The driver's probe failed: the next matching driver may try. */
    REFUSED,
    /** The driver's probe asked to be retried later (EPROBE_DEFER). */
    DEFERRED
}
