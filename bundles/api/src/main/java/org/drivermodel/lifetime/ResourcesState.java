package org.drivermodel.lifetime;

/** The life of a {@link ManagedResources}: {@code OPEN -> RELEASING -> RELEASED}. */
public enum ResourcesState {
    /** The binding is alive: resources may be added. */
    OPEN,
    /** {@link ManagedResources#releaseAll()} is running; adding fails with {@code ENODEV}. */
    RELEASING,
    /** Everything was released; adding fails with {@code ENODEV}, releasing it at once. */
    RELEASED
}
