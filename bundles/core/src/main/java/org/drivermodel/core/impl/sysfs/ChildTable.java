package org.drivermodel.core.impl.sysfs;

import java.util.Arrays;
import java.util.Comparator;

import org.drivermodel.core.impl.util.ChainedTable;

/**
 * The children of a big directory (a bus's devices, a class's): a hash table by name chained
 * through the nodes themselves ({@link Node#hashNext}), as kernfs links a directory's children
 * through fields of each {@code kernfs_node} (a red-black tree there), not entries of their own.
 * A child costs its directory one field and a slot or two; a {@code TreeMap} cost a 40-byte
 * entry per child and compared some 17 names per insertion at 100k children (issue #19).
 *
 * <p>Names are unordered here: what must be sorted (a listing, a removal's claim) sorts a
 * snapshot ({@link #sorted}), as {@code ls} sorts what {@code readdir} gives.
 *
 * <p>Concurrency: guarded by the tree lock, as the directory's children.
 */
final class ChildTable extends ChainedTable<Node> {

    private static final Comparator<Node> BY_NAME = Comparator.comparing(n -> n.name);

    @Override
    protected String name(Node n) {
        return n.name;
    }

    @Override
    protected int hash(Node n) {
        return n.hash;
    }

    @Override
    protected Node next(Node n) {
        return n.hashNext;
    }

    @Override
    protected void next(Node n, Node next) {
        n.hashNext = next;
    }

    /** @return the child whose name the key names, or null; nothing is made for the key */
    Node get(SysfsPath.Key key) {
        int h = key.nameHash();
        for (Node n = chain(h); n != null; n = n.hashNext) {
            if (n.hash == h && key.compareTo(n.name) == 0) {
                return n;
            }
        }
        return null;
    }

    /** Adds a child under its name, replacing one of the same name. */
    void put(Node child) {
        insert(child, true);
    }

    /** Removes {@code child} if it is the child of its name here. */
    void remove(Node child) {
        delete(child);
    }

    /** @return the children sorted by name: a snapshot, made on each call */
    Node[] sorted() {
        Object[] all = snapshot();
        Node[] nodes = Arrays.copyOf(all, all.length, Node[].class);
        Arrays.sort(nodes, BY_NAME);
        return nodes;
    }
}
