package org.drivermodel.api;

/** What {@link DriverCore#manage} does to a driver's bundle. */
public enum BundleAction {
    /** {@code Bundle.stop()}: every device bound to its drivers is unbound first. */
    STOP,
    /** {@code Bundle.update()}: the old generation is unbound and drained, the new one binds. */
    UPDATE,
    /** {@code Bundle.uninstall()}. */
    UNINSTALL
}
