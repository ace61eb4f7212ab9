package org.drivermodel.core.impl.sysfs;

import java.util.ArrayList;
import java.util.List;

/**
 * A node of the attribute tree (kernfs {@code struct kernfs_node}): a directory, an attribute
 * file or a symlink. Anyone may hold a node; what it points at of an owner is dropped when it
 * is removed.
 *
 * <p>Concurrency: the structural fields ({@link #state}, {@link #removal}, {@link #incoming})
 * are guarded by the tree lock ({@link AttributeTree#lock}); the node's identity is final.
 */
abstract sealed class Node permits DirNode, FileNode, LinkNode {

    final String name;            // "" for the root
    final DirNode parent;         // null for the root; kept after removal (a removed node's ancestry)
    final String path;            // canonical, for errors and handles

    NodeState state = NodeState.NEW;        /* guarded by tree lock */
    Removal removal;                        /* guarded by tree lock; the removal that claimed this node */
    private List<LinkNode> incoming;        /* guarded by tree lock; links targeting this node, null when none */

    Node(String name, DirNode parent) {
        this.name = name;
        this.parent = parent;
        this.path = parent == null ? "/" : (parent.parent == null ? "/" + name : parent.path + "/" + name);
    }

    /** Context: tree lock held (write). */
    void addIncoming(LinkNode link) {
        if (incoming == null) {
            incoming = new ArrayList<>(2);
        }
        incoming.add(link);
    }

    /** Context: tree lock held (write). */
    void removeIncoming(LinkNode link) {
        if (incoming != null) {
            incoming.remove(link);
            if (incoming.isEmpty()) {
                incoming = null;
            }
        }
    }

    /** @return the links targeting this node; Context: tree lock held */
    List<LinkNode> incoming() {
        return incoming == null ? List.of() : incoming;
    }

    /** @return true if this node is {@code ancestor} or below it */
    final boolean isWithin(Node ancestor) {
        for (Node n = this; n != null; n = n.parent) {
            if (n == ancestor) {
                return true;
            }
        }
        return false;
    }

    /** @return true if this node and all its ancestors are active; Context: tree lock held */
    final boolean visible() {
        for (Node n = this; n != null; n = n.parent) {
            if (n.state != NodeState.ACTIVE) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + path + "]";
    }
}
