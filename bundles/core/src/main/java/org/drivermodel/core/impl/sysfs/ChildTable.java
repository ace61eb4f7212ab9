package org.drivermodel.core.impl.sysfs;

/**
 * The children of a big directory (a bus's devices, a class's): a hash table by name chained
 * through the nodes themselves ({@link Node#hashNext}), as kernfs links a directory's children
 * through fields of each {@code kernfs_node} (a red-black tree there), not entries of their own.
 * A child costs its directory one field and a slot or two; a {@code TreeMap} cost a 40-byte
 * entry per child and compared some 17 names per insertion at 100k children (issue #19).
 *
 * <p>Concurrency: guarded by the tree lock, as the directory's children.
 */
final class ChildTable extends NameTable<Node> {

    ChildTable() {
        super(Node[].class);
    }

    @Override
    protected Node next(Node n) {
        return n.hashNext;
    }

    @Override
    protected void next(Node n, Node next) {
        n.hashNext = next;
    }

    /** Adds a child under its name, replacing one of the same name. */
    void put(Node child) {
        insert(child, true);
    }
}
