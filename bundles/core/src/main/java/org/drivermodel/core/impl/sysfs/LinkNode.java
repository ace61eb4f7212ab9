package org.drivermodel.core.impl.sysfs;

/**
 * A symlink (kernfs {@code KERNFS_LINK}), e.g. {@code /bus/vbus/devices/x -> /devices/vbus0/x}.
 * It points at a node, never at another link, so resolution takes one step; when its target is
 * removed the link is removed with it. A virtual link (a link slot's, a link directory's: see
 * {@link DirNode}) is a field of its directories, and a {@code LinkNode} only while looked up.
 */
final class LinkNode extends Node {

    final Node target; // never a LinkNode
    LinkNode nextIncoming; /* guarded by tree lock; the next link into the same target (see Node#addIncoming) */
    LinkNode prevIncoming; /* guarded by tree lock; the previous one, null for the first */

    LinkNode(String name, DirNode parent, Node target) {
        super(name, parent);
        this.target = target;
    }

    /**
     * @return a transient link for a lookup of a virtual one (a link slot's, a link directory's,
     *         see {@link DirNode#virtualChild}): attached nowhere, in its target's state, so a
     *         lookup admits it exactly when it would admit the target. Context: tree lock held
     */
    static LinkNode virtual(String name, DirNode parent, DirNode target) {
        LinkNode link = new LinkNode(name, parent, target);
        link.state = target.state;
        return link;
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
