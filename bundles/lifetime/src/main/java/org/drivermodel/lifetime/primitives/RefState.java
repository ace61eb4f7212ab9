package org.drivermodel.lifetime.primitives;

/** The life of a {@link RefCounted}. It only moves forward; {@code LIVE} may skip {@code REVOKED}. */
public enum RefState {
    /** References may be taken and used. */
    LIVE,
    /** The owner was unregistered: held references still count, but every use fails with {@code ENODEV}. */
    REVOKED,
    /** The count dropped to zero and the release callback was run (or is running). */
    RELEASED
}
