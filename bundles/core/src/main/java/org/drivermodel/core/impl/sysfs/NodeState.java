package org.drivermodel.core.impl.sysfs;

/**
 * Where a {@link Node} is in its life. It only moves forward: {@code NEW -> ACTIVE -> REMOVED}
 * or {@code NEW -> REMOVED}.
 */
enum NodeState {
    /** Created deactivated: invisible to {@code open} and {@code list}; the creator may fill it. */
    NEW,
    /** Visible (if its ancestors are). */
    ACTIVE,
    /** Claimed by a removal: invisible and going; the name stays taken until the removal ends. */
    REMOVED
}
