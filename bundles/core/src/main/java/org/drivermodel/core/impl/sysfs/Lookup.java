package org.drivermodel.core.impl.sysfs;

/** Which nodes a lookup in the {@link AttributeTree} admits. Context: the tree lock held. */
enum Lookup {
    /** What users see: active nodes with active ancestors ({@code open}, {@code list}). */
    VISIBLE,
    /** What the core builds on: new or active, not being removed. */
    LIVE,
    /** Anything still attached, removal in progress included (to join a removal). */
    ANY;

    /** @return true if this kind of lookup admits the node */
    boolean admits(Node n) {
        return switch (this) {
            case VISIBLE -> n.state == NodeState.ACTIVE;
            case LIVE -> n.state != NodeState.REMOVED;
            case ANY -> true;
        };
    }
}
