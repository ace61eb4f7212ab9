package org.drivermodel.lifetime.primitives;

/**
 * Whether {@link RefCounted} records where each reference was taken and first put (Linux
 * {@code CONFIG_REF_TRACKER}). Holder names are always recorded; stacks cost a
 * {@code Throwable} per get and put, so they are a debug mode.
 *
 * <p>The global setting applies to every {@link RefCounted} built without an explicit setting,
 * at each {@code get}; it starts from the system property
 * {@code org.drivermodel.lifetime.refTracking} ({@code OFF} or {@code STACKS}; default
 * {@code OFF}).
 */
public enum RefTracking {
    /** Holder names only. */
    OFF,
    /** Holder names, and the stack of every get and of every first put. */
    STACKS;

    private static volatile RefTracking global = fromProperty(); /* any thread may flip it */

    /** @return the global setting */
    public static RefTracking global() {
        return global;
    }

    /**
     * Changes the global setting; references taken before keep what they recorded.
     *
     * @param tracking the new setting
     */
    public static void setGlobal(RefTracking tracking) {
        global = java.util.Objects.requireNonNull(tracking, "tracking");
    }

    private static RefTracking fromProperty() {
        String v = System.getProperty("org.drivermodel.lifetime.refTracking", "OFF");
        return "STACKS".equalsIgnoreCase(v.trim()) ? STACKS : OFF;
    }
}
