package org.drivermodel.core.impl.sysfs;

import java.util.Arrays;
import java.util.Comparator;

import org.drivermodel.core.impl.util.ChainedTable;

/**
 * A table of nodes by their names, chained through a field of the nodes
 * ({@link ChainedTable}): what the two kinds of big directory share. A subclass names the chain
 * field: {@link ChildTable} a directory's children through {@link Node#hashNext},
 * {@link LinkTable} a link directory's targets through {@link DirNode#linkNext}.
 *
 * <p>Names are unordered here: what must be sorted (a listing, a removal's claim) sorts a
 * snapshot ({@link #sorted}), as {@code ls} sorts what {@code readdir} gives.
 *
 * <p>Concurrency: guarded by the tree lock, as the directory it belongs to.
 *
 * @param <N> the nodes it holds
 */
abstract class NameTable<N extends Node> extends ChainedTable<N> {

    private static final Comparator<Node> BY_NAME = Comparator.comparing(n -> n.name);

    private final Class<N[]> arrayType;

    NameTable(Class<N[]> arrayType) {
        this.arrayType = arrayType;
    }

    @Override
    protected final String name(N n) {
        return n.name;
    }

    @Override
    protected final int hash(N n) {
        return n.hash;
    }

    /** @return the node whose name the key names, or null; nothing is made for the key */
    final N get(SysfsPath.Key key) {
        int h = key.nameHash();
        for (N n = chain(h); n != null; n = next(n)) {
            if (n.hash == h && key.compareTo(n.name) == 0) {
                return n;
            }
        }
        return null;
    }

    /** Removes {@code n} if it is the node of its name here. */
    final void remove(N n) {
        delete(n);
    }

    /** @return the nodes sorted by name: a snapshot, made on each call */
    final N[] sorted() {
        N[] nodes = Arrays.copyOf(snapshot(), size(), arrayType);
        Arrays.sort(nodes, BY_NAME);
        return nodes;
    }
}
