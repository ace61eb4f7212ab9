package org.drivermodel.core.impl.sysfs;

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
 * <p>Concurrency: {@link #state} is volatile; the listing reads the directory under the tree
 * lock. The handle holds the node only, never an owner; no release hook runs for directories.
 */
final class OpenDirectory implements AttributeDirectory {

    private final AttributeTree tree;
    private final DirNode dir;
    private final String path;
    /** A directory handle's life: no release hook runs for directories, so open or closed is all. */
    private enum State { OPEN, CLOSED }

    private volatile State state = State.OPEN; /* written once, by close */

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
        if (state == State.CLOSED) {
            throw new DriverModelException(Errno.EINVAL, path, "directory is closed");
        }
        tree.lock.readLock().lock();
        try {
            return dir.visibleNames(); // a removed directory: no children left, no shared files (unshared at the claim)
        } finally {
            tree.lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        state = State.CLOSED;
    }

    @Override
    public String toString() {
        return "OpenDirectory[" + path + ", " + state + "]";
    }
}
