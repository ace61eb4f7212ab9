package org.drivermodel.api;

/** Where a device is in its life. Transitions happen under the device's own lock. */
public enum DeviceState {
    /** Added to its bus, no driver bound. */
    UNBOUND,
    /** A driver's {@code probe} is running. */
    PROBING,
    /** A driver is bound. */
    BOUND,
    /** The bound driver's {@code remove} is running. */
    UNBINDING,
    /** Removed from its bus; a holder only sees what it was. */
    REMOVED
}
