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
 * <p>A device's directory also has what its {@link DirectoryKind} gives every directory of the
 * kind ({@link #share}): <b>shared files</b>, one attribute group for every device, whose files
 * cost a directory two references in all (the group and the owner), not a node each, until one
 * is opened; and a <b>link slot</b>, one link ({@code driver}) kept as a field pointing at its
 * target, not a {@link LinkNode}. A <b>link directory</b> ({@link #makeLinkDirectory}, a bus's
 * {@code devices}) has no children: its entries are links to the directories it was given, each
 * under its own name, each marked by its {@link #linkedFrom} ({@link LinkTable}). A link of
 * either kind is a transient {@link LinkNode} when looked up ({@link #virtualChild}). The memory
 * per device node (docs/design.md §8) is why: two link nodes were 96 of a device's 375 bytes.
 *
 * <p>Concurrency: the children, the kind, the link slot and the links are guarded by the tree lock (read to look
 * up, write to change).
 */
final class DirNode extends Node implements TreeDirectory {

    /** Entries a directory keeps in its array. */
    static final int SMALL = 8;

    private Object children;               /* guarded by tree lock: null (none), a Node (one), a Node[] sorted by
                                              name (two to SMALL), a ChildTable (more; kept from then on), or a
                                              LinkTable (a link directory: no children, links to its targets) */
    private DirectoryKind<Object> kind;    /* guarded by tree lock; the shared files and link slot of its kind, or null */
    private Object sharedOwner;            /* guarded by tree lock; what the shared files' callbacks receive; null once claimed */
    private DirNode linkTarget;            /* guarded by tree lock; where its link slot points, or null */
    private DirNode linkedFrom;            /* guarded by tree lock; the link directory that links to it, or null */
    DirNode linkNext;                      /* guarded by tree lock; the next in its chain of that directory's LinkTable */
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
        return c instanceof ChildTable big ? big.get(name) : null;
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
        return c instanceof ChildTable big ? big.get(key) : null;
    }

    /** Adds a child under its own name, replacing one of the same name. Not in a link directory (checked before). */
    void put(Node child) {
        Object c = children;
        if (c == null) {
            children = child;
        } else if (c instanceof Node one) {
            int cmp = one.name.compareTo(child.name);
            children = cmp == 0 ? child : cmp < 0 ? new Node[] { one, child } : new Node[] { child, one };
        } else if (c instanceof Node[] few) {
            put(few, child);
        } else if (c instanceof ChildTable big) {
            big.put(child);
        } else {
            throw new IllegalStateException("a link directory has no children: " + path());
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
        } else if (c instanceof ChildTable big) {
            big.remove(child);
        }
    }

    /** @return the number of children (a link directory has none; its links are not nodes) */
    int size() {
        Object c = children;
        return c == null || c instanceof LinkTable ? 0 : c instanceof Node ? 1 : c instanceof Node[] few ? few.length : ((ChildTable) c).size();
    }

    /** @return true if {@code n} is one of this directory's children, not a transient node (a shared file's, a virtual link's) */
    boolean attached(Node n) {
        return child(n.name) == n;
    }

    // ---- shared files and the link slot (DirectoryKind) ----------------------------------------

    /**
     * Gives this directory the shared files and the link slot of its kind. Context: tree lock
     * held (write), before publication.
     */
    @SuppressWarnings("unchecked")
    <O> void share(DirectoryKind<O> kind, O owner) {
        this.kind = (DirectoryKind<Object>) kind;
        sharedOwner = owner;
    }

    /**
     * Drops the shared files, their owner and the link slot: the directory is being removed.
     * Context: tree lock held (write).
     */
    void unshare() {
        kind = null;
        sharedOwner = null;
        linkTarget = null;
    }

    /**
     * @return a node for the shared file of that name, made now and not attached (the caller
     *         attaches it to open it), or null if there is none or a child of that name exists
     *         (a shared file once opened is an ordinary child). Context: tree lock held.
     */
    FileNode sharedFile(String name) {
        Attribute<Object> a = sharedAttribute(name);
        if (a == null) {
            return null;
        }
        FileNode f = new FileNode(name, this, a, sharedOwner);
        f.state = state;
        return f;
    }

    /** @return the shared file's attribute of that name, if no child has the name; nothing is made */
    private Attribute<Object> sharedAttribute(String name) {
        DirectoryKind<Object> k = kind;
        if (k == null) {
            return null;
        }
        List<Attribute<Object>> files = k.files().attributes();
        for (int i = 0; i < files.size(); i++) {
            Attribute<Object> a = files.get(i);
            if (a.name().equals(name)) {
                return child(name) == null ? a : null;
            }
        }
        return null;
    }

    /** @return the name of this directory's link slot, or null if its kind has none */
    String linkName() {
        DirectoryKind<Object> k = kind;
        return k == null ? null : k.linkName();
    }

    /** Points the link slot at {@code target}, or clears it (null). Context: tree lock held (write); the kind has a slot. */
    void linkTarget(DirNode target) {
        linkTarget = target;
    }

    /**
     * @return true if the name is taken by something that is not a child: a shared file, or the
     *         link slot while it points somewhere. Context: tree lock held.
     */
    boolean takenVirtually(String name) {
        return slotPoints() && name.equals(linkName()) || sharedAttribute(name) != null;
    }

    /**
     * @return true if the link slot points at a directory not claimed by a removal: a slot whose
     *         target went first (a driver's directory removed before its devices are unbound)
     *         dangles until it is cleared, and is then no entry at all, as a link node claimed
     *         with its target was. Context: tree lock held
     */
    private boolean slotPoints() {
        return linkTarget != null && linkTarget.state != NodeState.REMOVED;
    }

    /**
     * @return a transient node for a name that is not a child (nothing is attached): the link
     *         slot's link, a link directory's link, or, if {@code files}, a shared file; null if
     *         none. Context: tree lock held.
     */
    Node virtualChild(String name, boolean files) {
        if (slotPoints() && name.equals(linkName())) {
            return LinkNode.virtual(linkName(), this, linkTarget);
        }
        if (children instanceof LinkTable links) {
            DirNode target = links.target(name);
            return target == null ? null : LinkNode.virtual(target.name, this, target);
        }
        return files ? sharedFile(name) : null;
    }

    // ---- link directories ----------------------------------------------------------------------

    /**
     * Makes this new, empty directory a link directory.
     *
     * @param mirrored the directory whose children it links without a table entry (see
     *                 {@link LinkTable}), or null. Context: tree lock held (write), before publication.
     */
    void makeLinkDirectory(DirNode mirrored) {
        children = new LinkTable(this, mirrored);
    }

    /** @return true if this is a link directory */
    boolean isLinkDirectory() {
        return children instanceof LinkTable;
    }

    /** @return the link directory that links to this directory, or null. Context: tree lock held */
    DirNode linkedFrom() {
        return linkedFrom;
    }

    /**
     * Links {@code target} from this link directory, under its own name.
     *
     * @return false if the name is taken (nothing changed). Context: tree lock held (write);
     *         this a link directory, the target linked from none
     */
    boolean link(DirNode target) {
        if (!((LinkTable) children).link(target)) {
            return false;
        }
        target.linkedFrom = this;
        return true;
    }

    /**
     * Lets go of the links of a directory being detached: its own link directory's link to it,
     * and, if it is a link directory, its links to its targets (which stay). Context: tree lock
     * held (write).
     */
    void unlinkAll() {
        if (linkedFrom != null) {
            ((LinkTable) linkedFrom.children).unlink(this);
            linkedFrom = null;
        }
        if (children instanceof LinkTable links) {
            for (DirNode target : links.targets()) {
                links.unlink(target);
                target.linkedFrom = null;
            }
        }
    }

    // ---- listing -------------------------------------------------------------------------------

    /**
     * @return the names of the active children, of the shared files, of the link slot (if it
     *         points at a visible directory) and, in a link directory, of its visible targets,
     *         sorted. A removed directory lists nothing. Context: tree lock held.
     */
    List<String> visibleNames() {
        if (children instanceof LinkTable links) {
            List<String> names = new ArrayList<>();
            if (state == NodeState.ACTIVE) {
                for (DirNode target : links.targets()) {
                    if (target.visible()) {
                        names.add(target.name);
                    }
                }
            }
            return names;
        }
        DirectoryKind<Object> k = kind;
        List<String> names = new ArrayList<>(size() + (k == null ? 0 : k.files().attributes().size() + 1));
        for (Node n : children()) {
            if (n.state == NodeState.ACTIVE) {
                names.add(n.name);
            }
        }
        if (k != null && state == NodeState.ACTIVE) {
            boolean added = false;
            for (Attribute<Object> a : k.files().attributes()) {
                if (child(a.name()) == null) {
                    names.add(a.name());
                    added = true;
                }
            }
            if (linkTarget != null && linkTarget.visible() && child(k.linkName()) == null) {
                names.add(k.linkName());
                added = true;
            }
            if (added) {
                Collections.sort(names);
            }
        }
        return names;
    }

    /**
     * Calls {@code action} for each child, in name order; nothing is made for a small directory,
     * a big one sorts a snapshot; a link directory has none. Context: tree lock held, children
     * not changed meanwhile
     */
    void forEachChild(java.util.function.Consumer<Node> action) {
        Object c = children;
        if (c instanceof Node one) {
            action.accept(one);
        } else if (c instanceof Node[] few) {
            for (Node n : few) {
                action.accept(n);
            }
        } else if (c instanceof ChildTable big) {
            for (Node n : big.sorted()) {
                action.accept(n);
            }
        }
    }

    /** @return the children sorted by name; a view (a big directory's: a snapshot) to read under the lock, not to change */
    Collection<Node> children() {
        Object c = children;
        return c == null || c instanceof LinkTable ? List.of() : c instanceof Node one ? List.of(one)
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
        return "DirNode[" + path() + (c instanceof LinkTable links ? ", " + links.size() + " links in its table]"
                : ", " + size() + " children" + (c instanceof ChildTable ? "" : " " + children()) + "]");
    }
}
