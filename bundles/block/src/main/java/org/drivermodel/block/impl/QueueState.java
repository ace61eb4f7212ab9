package org.drivermodel.block.impl;

/** Lifecycle of a request queue; it only moves forward. */
enum QueueState {
    /** Takes requests. */
    LIVE,
    /** Being killed: new submissions fail with ENODEV; requests in flight drain. */
    DYING,
    /** Killed: every request completed, the driver's handler dropped. */
    DEAD
}
