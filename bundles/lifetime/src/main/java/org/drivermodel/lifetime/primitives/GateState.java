package org.drivermodel.lifetime.primitives;

/**
 * The life of an {@link ActiveGate}. It only ever moves forward:
 * {@code LIVE -> DYING -> DEAD}.
 */
public enum GateState {
    /** Entries are admitted. */
    LIVE,
    /** A kill has begun: new entries fail with {@code ENODEV}; entries already inside may still run. */
    DYING,
    /** Killed and drained: nobody is inside and nobody will ever enter again. */
    DEAD
}
