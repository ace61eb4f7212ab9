package org.drivermodel.core.impl.sysfs;

import java.util.ArrayList;
import java.util.List;

import org.drivermodel.api.AttributeDirectory;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * An open directory (kernfs's {@code kernfs_dir_fops}): a handle on a {@link DirNode}, listed
 * under the tree lock (read).
 *
 * <p><b>A removed directory lists as empty</b>, as in kernfs: {@code kernfs_fop_readdir}
 * ({@code fs/kernfs/dir.c}) emits "." and "..", then walks the node's children with
 * {@code kernfs_dir_pos}/{@code kernfs_dir_next_pos}, which skip every child that is not
 * {@code kernfs_active}; {@code __kernfs_remove} deactivates the whole subtree and unlinks each
 * node from its parent, so the walk of a removed directory finds nothing and the listing ends
 * (no error). Here a removal claims the subtree ({@link NodeState#REMOVED}, so the children are
 * skipped) and detaches it (the children leave the directory): the same answer at each step.
 * A new directory of the same name is another node; this handle never sees it.
 *
 * <p>Concurrency: {@link #closed} is volatile; the listing reads the directory under the tree
 * lock. The handle holds the node only, never an owner; no release hook runs for directories.
 */
final class OpenDirectory implements AttributeDirectory {

    private final AttributeTree tree;
    private final DirNode dir;
    private final String path;
    private volatile boolean closed; /* set once by close: the handle is open or closed, nothing between */

    OpenDirectory(AttributeTree tree, DirNode dir) {
        this.tree = tree;
        this.dir = dir;
        this.path = dir.path();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public List<String> list() {
        if (closed) {
            throw new DriverModelException(Errno.EINVAL, path, "directory is closed");
        }
        tree.lock.readLock().lock();
        try {
            List<String> names = new ArrayList<>(dir.size());
            for (Node n : dir.children()) {
                if (n.state == NodeState.ACTIVE) {
                    names.add(n.name);
                }
            }
            return names;
        } finally {
            tree.lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "OpenDirectory[" + path + (closed ? ", closed]" : "]");
    }
}
