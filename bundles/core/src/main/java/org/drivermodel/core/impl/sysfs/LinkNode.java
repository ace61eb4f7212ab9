package org.drivermodel.core.impl.sysfs;

/**
 * A symlink (kernfs {@code KERNFS_LINK}), e.g. {@code /bus/vbus/devices/x -> /devices/vbus0/x}.
 * It points at a node, never at another link, so resolution takes one step; when its target is
 * removed the link is removed with it.
 */
final class LinkNode extends Node {

    final Node target; // never a LinkNode
    LinkNode nextIncoming; /* guarded by tree lock; the next link into the same target (see Node#addIncoming) */
    LinkNode prevIncoming; /* guarded by tree lock; the previous one, null for the first */

    LinkNode(String name, DirNode parent, Node target) {
        super(name, parent);
        this.target = target;
    }

    /** @return null: a link is never a link's target */
    @Override
    LinkNode firstIncoming() {
        return null;
    }

    @Override
    void firstIncoming(LinkNode first) {
        throw new IllegalStateException("a link is never a link's target: " + path());
    }
}
