package org.drivermodel.core.impl.sysfs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;

/**
 * A directory (kernfs {@code KERNFS_DIR}): children sorted by name.
 *
 * <p>Most directories are a device's, with a handful of attribute files and links: they keep
 * their children in a sorted array, exactly as long as needed, searched by bisection. A
 * directory that grows past {@link #SMALL} entries (a bus's devices, a class's) moves them to a
 * {@link TreeMap}, so adding and removing stay logarithmic; it never moves back. A TreeMap for
 * every directory cost about 240 bytes per device (docs/design.md §8, memory per device node).
 *
 * <p>A device's directory also has <b>shared files</b> ({@link #share}): one attribute group for
 * every device, whose files cost a directory two references in all (the group and the owner),
 * not a node each, until one is opened. The memory per device node (docs/design.md §8) is why.
 *
 * <p>Concurrency: the children and the shared files are guarded by the tree lock (read to look
 * up, write to change).
 */
final class DirNode extends Node implements TreeDirectory {

    /** Entries a directory keeps in its array. */
    static final int SMALL = 8;

    private static final Node[] NONE = new Node[0];

    private Node[] small = NONE;          /* guarded by tree lock; sorted by name; unused once big is set */
    private TreeMap<String, Node> big;    /* guarded by tree lock; null until more than SMALL children */
    private AttributeGroup<Object> shared; /* guarded by tree lock; the shared files of a device directory, or null */
    private Object sharedOwner;            /* guarded by tree lock; what their callbacks receive; null once claimed */

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

    /** @return the child whose name the key names (a path's component where it lies), or null */
    Node child(SysfsPath.Key key) {
        if (big != null) {
            return big.get(key); // a TreeMap of natural order compares the key with its keys: key.compareTo(name)
        }
        int lo = 0;
        int hi = small.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = -key.compareTo(small[mid].name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return small[mid];
            }
        }
        return null;
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

    // ---- shared files ----------------------------------------------------------------------

    /**
     * Gives this directory files it shares with every directory given the same group (a device's
     * {@code driver_override} and {@code uevent}): they are listed and looked up like children,
     * but a node is made for one only when it is opened ({@link AttributeTree#open}); until then
     * the directory holds nothing per file. Context: tree lock held (write), before publication.
     */
    @SuppressWarnings("unchecked")
    <O> void share(AttributeGroup<O> group, O owner) {
        shared = (AttributeGroup<Object>) group;
        sharedOwner = owner;
    }

    /** Drops the shared files and their owner: the directory is being removed. Context: tree lock held (write). */
    void unshare() {
        shared = null;
        sharedOwner = null;
    }

    /**
     * @return a node for the shared file of that name, made now and not attached (the caller
     *         attaches it to open it), or null if there is none or a child of that name exists
     *         (a shared file once opened is an ordinary child). Context: tree lock held.
     */
    FileNode sharedFile(String name) {
        AttributeGroup<Object> g = shared;
        if (g == null || child(name) != null) {
            return null;
        }
        for (Attribute<Object> a : g.attributes()) {
            if (a.name().equals(name)) {
                FileNode f = new FileNode(name, this, a, sharedOwner);
                f.state = state;
                return f;
            }
        }
        return null;
    }

    /** @return true if {@code f} is one of this directory's children, not a shared file's transient node */
    boolean attached(FileNode f) {
        return child(f.name) == f;
    }

    /** @return the names of the active children and of the shared files, sorted. Context: tree lock held. */
    List<String> visibleNames() {
        List<String> names = new ArrayList<>(size() + (shared == null ? 0 : shared.attributes().size()));
        for (Node n : children()) {
            if (n.state == NodeState.ACTIVE) {
                names.add(n.name);
            }
        }
        if (shared != null && state == NodeState.ACTIVE) {
            boolean added = false;
            for (Attribute<Object> a : shared.attributes()) {
                if (child(a.name()) == null) {
                    names.add(a.name());
                    added = true;
                }
            }
            if (added) {
                Collections.sort(names);
            }
        }
        return names;
    }

    /** Calls {@code action} for each child, in name order; nothing is made for a small directory. Context: tree lock held, children not changed meanwhile */
    void forEachChild(java.util.function.Consumer<Node> action) {
        if (big != null) {
            big.values().forEach(action);
        } else {
            for (Node n : small) {
                action.accept(n);
            }
        }
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
