package org.drivermodel.core.impl.sysfs;

import java.util.ArrayList;
import java.util.List;

/**
 * A node of the attribute tree (kernfs {@code struct kernfs_node}): a directory, an attribute
 * file or a symlink. Anyone may hold a node; what it points at of an owner is dropped when it
 * is removed.
 *
 * <p>Concurrency: the structural fields ({@link #state}, {@link #removal}, {@link #hashNext} and
 * the list of links into a directory or a file) are guarded by the tree lock ({@link AttributeTree#lock}); the
 * node's identity is final.
 */
abstract sealed class Node permits DirNode, FileNode, LinkNode {

    final String name;            // "" for the root
    final int hash;               // name.hashCode(), for a big directory's ChildTable
    final DirNode parent;         // null for the root; kept after removal (a removed node's ancestry)

    NodeState state = NodeState.NEW;        /* guarded by tree lock */
    Removal removal;                        /* guarded by tree lock; the removal that claimed this node */
    Node hashNext;                          /* guarded by tree lock; the next in its chain of a big directory's ChildTable */

    Node(String name, DirNode parent) {
        this.name = name;
        this.hash = name.hashCode();
        this.parent = parent;
    }

    /**
     * @return the canonical path, for errors and handles; made on each call from the names up
     *         to the root (a node keeps no path of its own: 100k devices' attribute files would
     *         keep a few hundred bytes each)
     */
    public final String path() {
        if (parent == null) {
            return "/";
        }
        int depth = 0;
        for (Node n = this; n.parent != null; n = n.parent) {
            depth++;
        }
        String[] names = new String[depth];
        for (Node n = this; n.parent != null; n = n.parent) {
            names[--depth] = n.name;
        }
        StringBuilder b = new StringBuilder(64);
        for (String name : names) {
            b.append('/').append(name);
        }
        return b.toString();
    }

    /**
     * @return the first of the links targeting this node (a list through
     *         {@link LinkNode#nextIncoming}), null when none. A link is never a target, so it keeps
     *         no such field: a device has two links, 8 bytes each (docs/design.md §8). Context:
     *         tree lock held
     */
    abstract LinkNode firstIncoming();

    /** Sets the first of the links targeting this node. Context: tree lock held (write) */
    abstract void firstIncoming(LinkNode first);

    /** Context: tree lock held (write). O(1). */
    final void addIncoming(LinkNode link) {
        LinkNode incoming = firstIncoming();
        link.nextIncoming = incoming;
        link.prevIncoming = null;
        if (incoming != null) {
            incoming.prevIncoming = link;
        }
        firstIncoming(link);
    }

    /**
     * Context: tree lock held (write). O(1): a driver's directory is the target of every bound
     * device's {@code driver} link, so a list scan here made unbinding N devices quadratic.
     */
    final void removeIncoming(LinkNode link) {
        if (link.prevIncoming == null ? firstIncoming() != link : link.prevIncoming.nextIncoming != link) {
            return; // not (or no longer) in this list
        }
        if (link.prevIncoming == null) {
            firstIncoming(link.nextIncoming);
        } else {
            link.prevIncoming.nextIncoming = link.nextIncoming;
        }
        if (link.nextIncoming != null) {
            link.nextIncoming.prevIncoming = link.prevIncoming;
        }
        link.nextIncoming = null;
        link.prevIncoming = null;
    }

    /** @return the links targeting this node, newest first; a snapshot. Context: tree lock held */
    List<LinkNode> incoming() {
        if (firstIncoming() == null) {
            return List.of();
        }
        List<LinkNode> links = new ArrayList<>();
        for (LinkNode l = firstIncoming(); l != null; l = l.nextIncoming) {
            links.add(l);
        }
        return links;
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
        return getClass().getSimpleName() + "[" + path() + "]";
    }
}
