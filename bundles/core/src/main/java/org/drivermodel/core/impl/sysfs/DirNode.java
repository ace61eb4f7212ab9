package org.drivermodel.core.impl.sysfs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;

/**
 * A directory (kernfs {@code KERNFS_DIR}): children by name, listed sorted.
 *
 * <p>Most directories are a device's, with a handful of attribute files and links: they keep
 * their children in a sorted array, exactly as long as needed, searched by bisection, and a
 * directory with one child (a bound device's {@code driver} link) keeps that child alone, with
 * no array. A directory that grows past {@link #SMALL} entries (a bus's devices, a class's)
 * moves them to a {@link ChildTable}, a hash table chained through the nodes, so adding and
 * removing take constant time and no entry object; it never moves back. A TreeMap for every
 * directory cost about 240 bytes per device, and a one-entry array 24; a TreeMap for the big
 * ones 40 bytes per child (docs/design.md §8, memory per device node).
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

    private Object children;               /* guarded by tree lock: null (none), a Node (one), a Node[] sorted by
                                              name (two to SMALL), or a ChildTable (more; kept from then on) */
    private AttributeGroup<Object> shared; /* guarded by tree lock; the shared files of a device directory, or null */
    private Object sharedOwner;            /* guarded by tree lock; what their callbacks receive; null once claimed */
    private LinkNode incoming;             /* guarded by tree lock; first of the links targeting this directory (Node#firstIncoming) */

    DirNode(String name, DirNode parent) {
        super(name, parent);
    }

    @Override
    LinkNode firstIncoming() {
        return incoming;
    }

    @Override
    void firstIncoming(LinkNode first) {
        incoming = first;
    }

    /** @return the child of that name, or null */
    Node child(String name) {
        Object c = children;
        if (c instanceof Node one) {
            return one.name.equals(name) ? one : null;
        }
        if (c instanceof Node[] few) {
            int i = find(few, name);
            return i >= 0 ? few[i] : null;
        }
        return c == null ? null : ((ChildTable) c).get(name);
    }

    /** @return the child whose name the key names (a path's component where it lies), or null */
    Node child(SysfsPath.Key key) {
        Object c = children;
        if (c instanceof Node one) {
            return key.compareTo(one.name) == 0 ? one : null;
        }
        if (c instanceof Node[] few) {
            int lo = 0;
            int hi = few.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int cmp = -key.compareTo(few[mid].name);
                if (cmp < 0) {
                    lo = mid + 1;
                } else if (cmp > 0) {
                    hi = mid - 1;
                } else {
                    return few[mid];
                }
            }
            return null;
        }
        return c == null ? null : ((ChildTable) c).get(key);
    }

    /** Adds a child under its own name, replacing one of the same name. */
    void put(Node child) {
        Object c = children;
        if (c == null) {
            children = child;
        } else if (c instanceof Node one) {
            int cmp = one.name.compareTo(child.name);
            children = cmp == 0 ? child : cmp < 0 ? new Node[] { one, child } : new Node[] { child, one };
        } else if (c instanceof Node[] few) {
            put(few, child);
        } else {
            ((ChildTable) c).put(child);
        }
    }

    private void put(Node[] few, Node child) {
        int i = find(few, child.name);
        if (i >= 0) {
            Node[] replaced = few.clone();
            replaced[i] = child;
            children = replaced;
        } else if (few.length == SMALL) {
            ChildTable big = new ChildTable();
            for (Node n : few) {
                big.put(n);
            }
            big.put(child);
            children = big;
        } else {
            int at = -i - 1;
            Node[] grown = new Node[few.length + 1];
            System.arraycopy(few, 0, grown, 0, at);
            grown[at] = child;
            System.arraycopy(few, at, grown, at + 1, few.length - at);
            children = grown;
        }
    }

    /** Removes the child of that name if it is {@code child}. */
    void remove(Node child) {
        Object c = children;
        if (c instanceof Node one) {
            if (one == child) {
                children = null;
            }
        } else if (c instanceof Node[] few) {
            int i = find(few, child.name);
            if (i < 0 || few[i] != child) {
                return;
            }
            if (few.length == 2) {
                children = few[1 - i];
                return;
            }
            Node[] shrunk = new Node[few.length - 1];
            System.arraycopy(few, 0, shrunk, 0, i);
            System.arraycopy(few, i + 1, shrunk, i, few.length - i - 1);
            children = shrunk;
        } else if (c != null) {
            ((ChildTable) c).remove(child);
        }
    }

    /** @return the number of children */
    int size() {
        Object c = children;
        return c == null ? 0 : c instanceof Node ? 1 : c instanceof Node[] few ? few.length : ((ChildTable) c).size();
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

    /**
     * Calls {@code action} for each child, in name order; nothing is made for a small directory,
     * a big one sorts a snapshot. Context: tree lock held, children not changed meanwhile
     */
    void forEachChild(java.util.function.Consumer<Node> action) {
        Object c = children;
        if (c instanceof Node one) {
            action.accept(one);
        } else if (c instanceof Node[] few) {
            for (Node n : few) {
                action.accept(n);
            }
        } else if (c != null) {
            for (Node n : ((ChildTable) c).sorted()) {
                action.accept(n);
            }
        }
    }

    /** @return the children sorted by name; a view (a big directory's: a snapshot) to read under the lock, not to change */
    Collection<Node> children() {
        Object c = children;
        return c == null ? List.of() : c instanceof Node one ? List.of(one)
                : Arrays.asList(c instanceof Node[] few ? few : ((ChildTable) c).sorted());
    }

    /** @return the index of the name in {@code few}, or {@code -(insertion point) - 1} */
    private static int find(Node[] few, String name) {
        int lo = 0;
        int hi = few.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = few[mid].name.compareTo(name);
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
        Object c = children;
        return "DirNode[" + path() + ", " + size() + " children" + (c instanceof ChildTable ? "" : " " + children()) + "]";
    }
}
