package org.drivermodel.core.impl.sysfs;

import java.util.Arrays;
import java.util.Collection;
import java.util.TreeMap;

/**
 * A directory (kernfs {@code KERNFS_DIR}): children sorted by name.
 *
 * <p>Most directories are a device's, with a handful of attribute files and links: they keep
 * their children in a sorted array, exactly as long as needed, searched by bisection. A
 * directory that grows past {@link #SMALL} entries (a bus's devices, a class's) moves them to a
 * {@link TreeMap}, so adding and removing stay logarithmic; it never moves back. A TreeMap for
 * every directory cost about 240 bytes per device (docs/design.md §8, memory per device node).
 *
 * <p>Concurrency: the children are guarded by the tree lock (read to look up, write to change).
 */
final class DirNode extends Node {

    /** Entries a directory keeps in its array. */
    static final int SMALL = 8;

    private static final Node[] NONE = new Node[0];

    private Node[] small = NONE;          /* guarded by tree lock; sorted by name; unused once big is set */
    private TreeMap<String, Node> big;    /* guarded by tree lock; null until more than SMALL children */

    DirNode(String name, DirNode parent) {
        super(name, parent);
    }

    /** @return the child of that name, or null */
    Node child(String name) {
        if (big != null) {
            return big.get(name);
        }
        int i = find(name);
        return i >= 0 ? small[i] : null;
    }

    /** Adds a child under its own name, replacing one of the same name. */
    void put(Node child) {
        if (big != null) {
            big.put(child.name, child);
            return;
        }
        int i = find(child.name);
        if (i >= 0) {
            small = small.clone();
            small[i] = child;
            return;
        }
        if (small.length == SMALL) {
            big = new TreeMap<>();
            for (Node n : small) {
                big.put(n.name, n);
            }
            big.put(child.name, child);
            small = NONE;
            return;
        }
        int at = -i - 1;
        Node[] grown = new Node[small.length + 1];
        System.arraycopy(small, 0, grown, 0, at);
        grown[at] = child;
        System.arraycopy(small, at, grown, at + 1, small.length - at);
        small = grown;
    }

    /** Removes the child of that name if it is {@code child}. */
    void remove(Node child) {
        if (big != null) {
            big.remove(child.name, child);
            return;
        }
        int i = find(child.name);
        if (i < 0 || small[i] != child) {
            return;
        }
        Node[] shrunk = small.length == 1 ? NONE : new Node[small.length - 1];
        System.arraycopy(small, 0, shrunk, 0, i);
        System.arraycopy(small, i + 1, shrunk, i, small.length - i - 1);
        small = shrunk;
    }

    /** @return the number of children */
    int size() {
        return big != null ? big.size() : small.length;
    }

    /** @return the children sorted by name; a view to read under the lock, not to change */
    Collection<Node> children() {
        return big != null ? big.values() : Arrays.asList(small);
    }

    /** @return the index of the name in {@link #small}, or {@code -(insertion point) - 1} */
    private int find(String name) {
        int lo = 0;
        int hi = small.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = small[mid].name.compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    @Override
    public String toString() {
        return "DirNode[" + path() + ", " + size() + " children" + (big == null ? " " + Arrays.toString(small) : "") + "]";
    }
}
