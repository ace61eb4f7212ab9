package org.drivermodel.core.impl.sysfs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import org.drivermodel.api.AccessMode;
import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeDirectory;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.FileStat;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The attribute tree (Linux sysfs on kernfs): {@code /devices}, {@code /bus/<bus>/devices},
 * {@code /class/<class>} ... as directories, attribute files and symlinks, whose open handles
 * hold no owner alive and are orphaned when their files are removed.
 *
 * <pre>
 * TreeDirectory x = tree.createDirectory(vbus0, "x", kind, device); // deactivated
 * tree.addGroups(x, device, groups);                          // deactivated
 * tree.link(busDevices, x);                                   // /bus/vbus/devices/x, a link directory's
 * tree.activate(x);                                           // all of it appears at once, links too
 * ...
 * RemovalReport r = tree.remove("/devices/vbus0/x");         // children first; links go too
 * if (!r.drained()) log.warn(r.toString());
 * </pre>
 *
 * <h2>Design</h2>
 *
 * <p><b>Two protections, never nested across a call-out.</b> The tree's structure (children,
 * node states, links, removal claims) is guarded by one read-write {@link #lock} (kernfs
 * {@code kernfs_rwsem}): lookups ({@link #open}, {@link #list}) take it for reading, changes for
 * writing; it is held only for in-memory work and never while owner code runs. Owner code
 * (show, store, release) is protected by each file's active reference, an {@code ActiveGate}
 * (kernfs {@code kn->active}); see {@link OpenFile}. So a callback may use the tree freely: open
 * and read other files, create nodes, remove other nodes.
 *
 * <p><b>Create deactivated, then activate.</b> Every node is created {@link NodeState#NEW},
 * invisible to {@code open} and {@code list} (ENOENT). {@link #activate} makes a whole subtree
 * and the links into it visible under one write lock, so a lookup sees either none or all of it.
 *
 * <p><b>Removal</b> (see {@link Removal}): claim the subtree under the write lock (it vanishes
 * for lookups at once, and no handle can be opened on it any more), then, with no lock held,
 * kill and drain every file's gate within one deadline, release the handles still open and clear
 * the files' owner references, then detach the nodes under the write lock. Handles opened before
 * get {@code ENODEV}, new lookups {@code ENOENT}, as on Linux (docs/design.md §7.7). Concurrent removals
 * of overlapping subtrees never remove a node twice: each node is claimed by exactly one
 * removal, and a removal waits for the others it overlaps, within its deadline. A removal that
 * would wait for its own thread (called from inside a callback of a file it removes, without
 * {@link Attribute.Context#removeSelf}) is refused with EINVAL and changes nothing.
 *
 * <p><b>As sysfs, for users</b> (issue #20): a handle keeps a snapshot per open and a position
 * ({@link OpenFile}, kernfs's {@code seq_file}), its access mode fixed at {@link #open(String,
 * AccessMode)}, and waits for change notifications ({@link #notifyChange}); directories can be
 * opened ({@link #openDirectory}: a removed one lists as empty, as kernfs's readdir) and nodes
 * stat'ed ({@link #stat}). A directory may have <b>shared files</b>
 * ({@link #createDirectory(String, String, AttributeGroup, Object)}): listed and opened as its
 * own, they get a node only at their first open, so a device's {@code driver_override} and
 * {@code uevent} cost it nothing until read.
 *
 * <p><b>Virtual links</b> (issue #19): a device's two links are not nodes either. Its entry in
 * its bus's <b>link directory</b> ({@link #createLinkDirectory}, {@link #link}) is a mark on its
 * directory, and its {@code driver} link is the <b>link slot</b> of its directory's
 * {@link DirectoryKind} ({@link #activate(TreeDirectory, TreeDirectory)}, {@link #clearLink}).
 * Both are looked up, followed, stat'ed and listed as symlinks (a lookup makes a transient
 * {@link LinkNode}); both vanish when their target or their directory is claimed by a removal.
 *
 * <p><b>Errors.</b> Every operation checks its path first ({@link SysfsPath}: EINVAL,
 * ENAMETOOLONG) and then validates everything under the lock before changing anything, so a
 * failed call changes nothing. ENOTDIR and EISDIR are EINVAL "not a directory" / "is a directory".
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread, including from inside a
 * callback of this tree. Only removal blocks (up to its deadline).
 */
public final class AttributeTree {

    /** The most a show returns to its reader: one page, as sysfs's buffer; more is cut off. */
    public static final int PAGE_SIZE = AttributeFile.PAGE_SIZE;

    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final DirNode root = new DirNode("", null); /* structure guarded by lock */
    private final Duration drainDeadline;
    final CallFaults faults;

    /**
     * Creates an empty tree: only {@code /}, active, reporting no callback fault.
     *
     * @param drainDeadline how long a removal waits for callbacks in flight by default, and how
     *                      long the losers of a self-removal race wait for the winner
     */
    public AttributeTree(Duration drainDeadline) {
        this(drainDeadline, CallFaults.NONE);
    }

    /**
     * Creates an empty tree: only {@code /}, active.
     *
     * @param drainDeadline as above
     * @param faults        where callback faults are reported
     */
    public AttributeTree(Duration drainDeadline, CallFaults faults) {
        this.drainDeadline = Objects.requireNonNull(drainDeadline, "drainDeadline");
        this.faults = Objects.requireNonNull(faults, "faults");
        root.state = NodeState.ACTIVE;
    }

    /**
     * Breaks the active protection of every read or write the current thread is inside on a
     * file in a directory held by its handle, or below it (kernfs
     * {@code kernfs_break_active_protection}), so that a removal this thread starts from inside
     * such a callback — a store that unplugs, unbinds or stops its own device's driver — drains
     * the others and does not wait for itself. The callback goes on running; its file's removal
     * no longer waits for it. A file reached through a link counts where it lies.
     *
     * <p>Context: any thread; takes no lock.
     *
     * @param dir the directory
     * @return true if a call was broken
     */
    public boolean breakOwnCalls(TreeDirectory dir) {
        return OpenFile.breakCallsWithin(TreeChecks.handle(dir));
    }

    /** @return the default drain deadline */
    public Duration drainDeadline() {
        return drainDeadline;
    }

    // ---- building (the core's side) --------------------------------------------------------
    //
    // Each operation comes in two forms: by path (looked up, links followed but for the last
    // component), and on a directory handle ({@link TreeDirectory}) its creator keeps, as a
    // kobject keeps its kernfs_node: no lookup, and no risk of reaching a directory of the same
    // path made since. A plug builds with handles only (issue #19: the path lookups were a third
    // of a plug's time).

    /**
     * Creates a directory, deactivated (kernfs {@code kernfs_create_dir}).
     *
     * <p>Context: any thread; takes the tree lock briefly.
     *
     * @param path the directory's absolute path; its parent must exist (deactivated or active)
     * @return the new directory
     * @throws DriverModelException EINVAL/ENAMETOOLONG for a malformed path; ENOENT if the parent
     *         does not exist or is being removed; EINVAL if the parent is not a directory; EEXIST
     *         if the name is taken (also by a node still being removed)
     */
    public TreeDirectory createDirectory(String path) {
        List<String> c = SysfsPath.parse(path);
        if (c.isEmpty()) {
            throw new DriverModelException(Errno.EEXIST, "/", "the root exists");
        }
        return createDirectory(c, c.get(c.size() - 1), path, null, null);
    }

    /**
     * {@link #createDirectory(String)} of {@code parentPath/name}, the node keeping the caller's
     * {@code name} string (a device's directory shares its device's name: one string, not two,
     * per device).
     *
     * @param parentPath the parent directory
     * @param name       the new directory's name, a single component
     * @return the new directory
     * @throws DriverModelException as {@link #createDirectory(String)}; EINVAL for a bad name
     */
    public TreeDirectory createDirectory(String parentPath, String name) {
        String path = TreeChecks.component(parentPath, name);
        return createDirectory(SysfsPath.parse(path), name, path, null, null);
    }

    /**
     * {@link #createDirectory(String, String)} with shared files: one unnamed attribute group
     * that many directories share (a device's {@code driver_override} and {@code uevent}). They
     * are listed, looked up, stat'ed and opened as the directory's own files, but the directory
     * keeps only the group and the owner, not a node per file: a node is made when one is first
     * opened, and removed with the directory. They appear when the directory is activated.
     *
     * @param <O>        the owner type
     * @param parentPath the parent directory
     * @param name       the new directory's name
     * @param shared     the shared files, an unnamed group
     * @param owner      what their callbacks receive
     * @return the new directory
     * @throws DriverModelException as {@link #createDirectory(String, String)}; EINVAL for a null
     *         or named group or a null owner
     */
    public <O> TreeDirectory createDirectory(String parentPath, String name, AttributeGroup<O> shared, O owner) {
        String path = TreeChecks.component(parentPath, name);
        TreeChecks.checkShared(shared, owner, path);
        return createDirectory(SysfsPath.parse(path), name, path, DirectoryKind.of(shared), owner);
    }

    /**
     * A directory of a {@link DirectoryKind} in a directory held by its handle: no lookup. It has
     * the kind's shared files (as {@link #createDirectory(String, String, AttributeGroup, Object)})
     * and its link slot. {@code kind} and {@code owner} may both be null (neither).
     *
     * @param <O>    the owner type
     * @param parent the parent directory
     * @param name   the new directory's name, a single component
     * @param kind   its kind, or null
     * @param owner  what the shared files' callbacks receive, or null
     * @return the new directory
     * @throws DriverModelException EINVAL for a bad name, a null parent or only one of kind and
     *         owner, or in a link directory; ENOENT if the parent is being removed; EEXIST if the
     *         name is taken
     */
    public <O> TreeDirectory createDirectory(TreeDirectory parent, String name, DirectoryKind<O> kind, O owner) {
        DirNode p = TreeChecks.handle(parent);
        TreeChecks.checkName(p, name);
        if (kind == null ^ owner == null) {
            throw new DriverModelException(Errno.EINVAL, TreeChecks.child(p, name), "a directory's kind and its owner go together");
        }
        lock.writeLock().lock();
        try {
            TreeChecks.checkFree(TreeChecks.live(p), name, null);
            return createIn(p, name, kind, owner);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private <O> DirNode createDirectory(List<String> c, String name, String path, DirectoryKind<O> kind, O owner) {
        lock.writeLock().lock();
        try {
            DirNode parent = parentOf(c, path);
            TreeChecks.checkFree(parent, name, path);
            return createIn(parent, name, kind, owner);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Context: tree lock held (write); the parent live, the name free. */
    private static <O> DirNode createIn(DirNode parent, String name, DirectoryKind<O> kind, O owner) {
        DirNode dir = new DirNode(name, parent);
        if (kind != null) {
            dir.share(kind, owner);
        }
        parent.put(dir);
        return dir;
    }

    /**
     * Creates a <b>link directory</b>, deactivated: a directory whose entries are links to the
     * directories given to it ({@link #link}), each under the target's own name, as
     * {@code /bus/<bus>/devices/<dev>}. A link there is a mark on its target, not a node: it is
     * looked up, followed and listed as a symlink, appears when its target is active and goes when
     * its target is removed. A link directory has nothing else: creating a node in it is EINVAL.
     *
     * <p>It may <b>mirror</b> a directory: a target that is a child of that one (a bus's device
     * with no parent device, in {@code /devices/<bus>}) is found among its children, so linking
     * it costs no table entry; targets elsewhere (a device under a parent device) are kept in the
     * link directory's own table.
     *
     * <p>Context: any thread; takes the tree lock briefly.
     *
     * @param path     the directory's absolute path; its parent must exist
     * @param mirrored the directory whose children it will mostly link to, or null
     * @return the new link directory
     * @throws DriverModelException as {@link #createDirectory(String)}; ENOENT if the mirrored
     *         directory is being removed
     */
    public TreeDirectory createLinkDirectory(String path, TreeDirectory mirrored) {
        List<String> c = SysfsPath.parse(path);
        if (c.isEmpty()) {
            throw new DriverModelException(Errno.EEXIST, "/", "the root exists");
        }
        DirNode m = mirrored == null ? null : TreeChecks.handle(mirrored);
        lock.writeLock().lock();
        try {
            DirNode parent = parentOf(c, path);
            String name = c.get(c.size() - 1);
            TreeChecks.checkFree(parent, name, path);
            DirNode dir = new DirNode(name, parent);
            dir.makeLinkDirectory(m == null ? null : TreeChecks.live(m));
            parent.put(dir);
            return dir;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Links a directory from a link directory, under the directory's own name (sysfs
     * {@code sysfs_create_link} of {@code /bus/<bus>/devices/<dev>}). The link is visible while
     * its target is, and goes when its target is removed. A directory is linked from one link
     * directory at most.
     *
     * <p>Context: any thread; takes the tree lock briefly.
     *
     * @param linkDirectory a link directory ({@link #createLinkDirectory})
     * @param target        the directory to link to
     * @throws DriverModelException EINVAL for a null handle, if {@code linkDirectory} is not a
     *         link directory or the target is linked from one already; ENOENT if either is being
     *         removed; EEXIST if the name is taken there (nothing changes)
     */
    public void link(TreeDirectory linkDirectory, TreeDirectory target) {
        DirNode d = TreeChecks.handle(linkDirectory);
        DirNode t = TreeChecks.handle(target);
        lock.writeLock().lock();
        try {
            if (!TreeChecks.live(d).isLinkDirectory()) {
                throw new DriverModelException(Errno.EINVAL, d.path(), "not a link directory");
            }
            if (TreeChecks.live(t).linkedFrom() != null) {
                throw new DriverModelException(Errno.EINVAL, t.path(), "linked from " + t.linkedFrom().path() + " already");
            }
            if (!d.link(t)) {
                throw new DriverModelException(Errno.EEXIST, TreeChecks.child(d, t.name), "exists");
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Adds attribute groups to a directory, deactivated (sysfs {@code sysfs_create_groups}): a
     * named group becomes a subdirectory. All or nothing. To make them visible in a directory
     * that is active already, {@link #activate} it again.
     *
     * <p>Context: any thread; takes the tree lock briefly. The tree keeps {@code owner} and the
     * attributes until the files are removed, and hands {@code owner} to every callback.
     *
     * @param <O>     the owner type
     * @param dirPath the directory
     * @param owner   what the callbacks receive, e.g. the {@code Device}
     * @param groups  the groups
     * @throws DriverModelException EINVAL/ENAMETOOLONG for a malformed path or null arguments;
     *         ENOENT if the directory does not exist; EINVAL if it is not a directory; EEXIST if
     *         a name is taken (nothing is added then)
     */
    public <O> void addGroups(String dirPath, O owner, List<AttributeGroup<O>> groups) {
        List<String> c = SysfsPath.parse(dirPath);
        if (owner == null || TreeChecks.hasNull(groups)) {
            throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(dirPath), "null owner or group");
        }
        lock.writeLock().lock();
        try {
            addGroupsTo(TreeChecks.directory(resolve(c, c.size(), dirPath, Lookup.LIVE, true), dirPath), owner, groups);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * {@link #addGroups(String, Object, List)} to a directory held by its handle.
     *
     * @throws DriverModelException EINVAL for null arguments; ENOENT if the directory is being
     *         removed; EEXIST if a name is taken (nothing is added then)
     */
    public <O> void addGroups(TreeDirectory dir, O owner, List<AttributeGroup<O>> groups) {
        DirNode d = TreeChecks.handle(dir);
        if (owner == null || TreeChecks.hasNull(groups)) {
            throw new DriverModelException(Errno.EINVAL, d.path(), "null owner or group");
        }
        lock.writeLock().lock();
        try {
            addGroupsTo(TreeChecks.live(d), owner, groups);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Context: tree lock held (write); the directory live. */
    private static <O> void addGroupsTo(DirNode dir, O owner, List<AttributeGroup<O>> groups) {
        TreeChecks.checkNewNames(dir, groups);
        for (int i = 0; i < groups.size(); i++) { // indexed: a plug makes no iterator
            AttributeGroup<O> g = groups.get(i);
            DirNode target = dir;
            if (g.name().isPresent()) {
                target = new DirNode(g.name().get(), dir);
                dir.put(target);
            }
            List<Attribute<O>> attributes = g.attributes();
            for (int j = 0; j < attributes.size(); j++) {
                Attribute<O> a = attributes.get(j);
                target.put(new FileNode(a.name(), target, a, owner));
            }
        }
    }

    /**
     * Creates a symlink, deactivated (sysfs {@code sysfs_create_link}). It becomes visible when
     * its target's subtree is activated, or by activating the link itself. It is removed with
     * its target.
     *
     * <p>Context: any thread; takes the tree lock briefly.
     *
     * @param linkPath   where the link goes, e.g. {@code /bus/vbus/devices/x}
     * @param targetPath what it points at, e.g. {@code /devices/vbus0/x}; not a link
     * @throws DriverModelException EINVAL/ENAMETOOLONG for a malformed path; ENOENT if the
     *         link's parent or the target does not exist; EINVAL if the parent is not a
     *         directory or the target is a link; EEXIST if the name is taken
     */
    public void createLink(String linkPath, String targetPath) {
        List<String> lc = SysfsPath.parse(linkPath);
        if (lc.isEmpty()) {
            throw new DriverModelException(Errno.EEXIST, "/", "the root exists");
        }
        createLink(lc, lc.get(lc.size() - 1), linkPath, targetPath);
    }

    /**
     * {@link #createLink(String, String)} of {@code dirPath/name}, the link keeping the
     * caller's {@code name} string (as {@link #createDirectory(String, String)}).
     *
     * @param dirPath    the directory the link goes in
     * @param name       the link's name, a single component
     * @param targetPath what it points at
     * @throws DriverModelException as {@link #createLink(String, String)}; EINVAL for a bad name
     */
    public void createLink(String dirPath, String name, String targetPath) {
        String linkPath = TreeChecks.component(dirPath, name);
        createLink(SysfsPath.parse(linkPath), name, linkPath, targetPath);
    }

    /**
     * {@link #createLink(String, String, String)} between directories held by their handles.
     *
     * @param dir    the directory the link goes in
     * @param name   the link's name, a single component
     * @param target the directory it points at
     * @throws DriverModelException EINVAL for a bad name or a null handle; ENOENT if either
     *         directory is being removed; EEXIST if the name is taken
     */
    public void createLink(TreeDirectory dir, String name, TreeDirectory target) {
        DirNode d = TreeChecks.handle(dir);
        DirNode t = TreeChecks.handle(target);
        TreeChecks.checkName(d, name);
        lock.writeLock().lock();
        try {
            TreeChecks.checkFree(TreeChecks.live(d), name, null);
            linkIn(d, name, TreeChecks.live(t));
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void createLink(List<String> lc, String name, String linkPath, String targetPath) {
        List<String> tc = SysfsPath.parse(targetPath);
        lock.writeLock().lock();
        try {
            DirNode parent = parentOf(lc, linkPath);
            TreeChecks.checkFree(parent, name, linkPath);
            Node target = resolve(tc, tc.size(), targetPath, Lookup.LIVE, false);
            if (target instanceof FileNode && !target.parent.attached(target)) {
                throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(targetPath), "a shared file goes only with its directory");
            }
            if (target instanceof LinkNode) {
                throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(targetPath), "a link may not point at a link");
            }
            linkIn(parent, name, target);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Context: tree lock held (write); both live, the name free, the target not a link. */
    private static void linkIn(DirNode parent, String name, Node target) {
        LinkNode link = new LinkNode(name, parent, target);
        parent.put(link);
        target.addIncoming(link);
    }

    /**
     * Makes a node, every deactivated node below it and every deactivated link into them
     * visible, all at once (kernfs {@code kernfs_activate}). Activating what is active already
     * only activates what was added since.
     *
     * <p>Context: any thread; takes the tree lock briefly.
     *
     * @param path the node (a link is activated itself, not its target)
     * @throws DriverModelException EINVAL/ENAMETOOLONG for a malformed path; ENOENT if it does
     *         not exist or is being removed
     */
    public void activate(String path) {
        List<String> c = SysfsPath.parse(path);
        lock.writeLock().lock();
        try {
            activateSubtree(resolve(c, c.size(), path, Lookup.LIVE, false));
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * {@link #activate(String)} of a directory held by its handle.
     *
     * @throws DriverModelException EINVAL for a null handle; ENOENT if it is being removed
     */
    public void activate(TreeDirectory dir) {
        DirNode d = TreeChecks.handle(dir);
        lock.writeLock().lock();
        try {
            activateSubtree(TreeChecks.live(d));
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * {@link #activate(TreeDirectory)}, and points the directory's link slot (its
     * {@link DirectoryKind#linkName()}) at {@code linkTarget}, all at once: a device's
     * {@code driver} link appears with its driver's files. The link is followed and listed as a
     * symlink while its target is visible; it goes with the directory, or by {@link #clearLink}.
     * Nothing changes if it fails.
     *
     * @param dir        the directory
     * @param linkTarget where its link slot points
     * @throws DriverModelException EINVAL for a null handle or if the directory's kind has no link
     *         slot; ENOENT if either is being removed; EEXIST if a child has the slot's name
     */
    public void activate(TreeDirectory dir, TreeDirectory linkTarget) {
        DirNode d = TreeChecks.handle(dir);
        DirNode t = TreeChecks.handle(linkTarget);
        lock.writeLock().lock();
        try {
            String name = TreeChecks.live(d).linkName();
            if (name == null) {
                throw new DriverModelException(Errno.EINVAL, d.path(), "its kind has no link slot");
            }
            TreeChecks.live(t);
            if (d.child(name) != null) {
                throw new DriverModelException(Errno.EEXIST, TreeChecks.child(d, name), "exists");
            }
            d.linkTarget(t);
            activateSubtree(d);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Clears a directory's link slot, if it points anywhere: the link is gone at once. Nothing is
     * drained (a link has no callbacks).
     *
     * <p>Context: any thread; takes the tree lock briefly.
     *
     * @param dir the directory; one being removed is let be (its slot went with its claim)
     * @throws DriverModelException EINVAL for a null handle
     */
    public void clearLink(TreeDirectory dir) {
        DirNode d = TreeChecks.handle(dir);
        lock.writeLock().lock();
        try {
            if (d.linkName() != null) {
                d.linkTarget(null);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ---- removal -------------------------------------------------------------------------------

    /** {@link #remove(String, Duration)} with the tree's {@link #drainDeadline()}. */
    public RemovalReport remove(String path) {
        return remove(path, drainDeadline);
    }

    /**
     * Removes a node: a directory with everything below it (children first) and every link
     * pointing into it; a file; or a link (not its target). See the class comment.
     *
     * <p>Context: any thread, also from inside a callback of another node; from a callback of a
     * file being removed only through {@link Attribute.Context#removeSelf}. Holds no lock while
     * waiting. Blocks until every callback of the removed files has returned, or the deadline
     * passed. If another removal claimed the node already, waits (within the deadline) for that
     * one to finish and reports {@code removedByThisCall() == false}.
     *
     * @param path     the node
     * @param deadline how long to wait for callbacks in flight
     * @return the report; when it did not drain, log it
     * @throws DriverModelException EINVAL/ENAMETOOLONG for a malformed path; EINVAL for the root
     *         or when called from inside an unprotected callback of a file it would remove;
     *         ENOENT if it does not exist (any more)
     */
    public RemovalReport remove(String path, Duration deadline) {
        List<String> c = SysfsPath.parse(path);
        return removeRoots(path, null, deadline, () -> List.of(resolve(c, c.size(), path, Lookup.ANY, false)));
    }

    /**
     * {@link #remove(String, Duration)} of a directory held by its handle; one removed already
     * (by this or another caller) is joined, as a removal of its path would be while under way.
     *
     * @throws DriverModelException EINVAL for a null handle or deadline, for the root or from
     *         inside an unprotected callback of a file it would remove
     */
    public RemovalReport remove(TreeDirectory dir, Duration deadline) {
        DirNode d = TreeChecks.handle(dir);
        return removeRoots(null, d, deadline, () -> List.of(d));
    }

    /**
     * {@link #remove(String, Duration)} of a child of a directory held by its handle (a link, a
     * file or a subdirectory).
     *
     * @throws DriverModelException as {@link #remove(TreeDirectory, Duration)}; ENOENT if the
     *         directory has no such live child
     */
    public RemovalReport remove(TreeDirectory dir, String name, Duration deadline) {
        DirNode d = TreeChecks.handle(dir);
        return removeRoots(null, null, deadline, () -> List.of(TreeChecks.liveChild(TreeChecks.live(d), name)));
    }

    /**
     * Removes attribute groups added by {@link #addGroups} (sysfs {@code sysfs_remove_groups}):
     * the named groups' subdirectories and the unnamed groups' files, as one removal. Only the
     * names of the groups and attributes are used.
     *
     * @param <O>      the owner type
     * @param dirPath  the directory they were added to
     * @param groups   the groups
     * @param deadline how long to wait for callbacks in flight
     * @return the report
     * @throws DriverModelException as {@link #remove(String, Duration)}; ENOENT if any of them is
     *         missing (nothing is removed then)
     */
    public <O> RemovalReport removeGroups(String dirPath, List<AttributeGroup<O>> groups, Duration deadline) {
        if (TreeChecks.hasNull(groups)) {
            throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(String.valueOf(dirPath)), "null group");
        }
        List<String> c = SysfsPath.parse(dirPath);
        return removeRoots(dirPath, null, deadline,
                () -> groupRoots(TreeChecks.directory(resolve(c, c.size(), dirPath, Lookup.LIVE, true), dirPath), groups));
    }

    /** {@link #removeGroups(String, List, Duration)} from a directory held by its handle. */
    public <O> RemovalReport removeGroups(TreeDirectory dir, List<AttributeGroup<O>> groups, Duration deadline) {
        DirNode d = TreeChecks.handle(dir);
        if (TreeChecks.hasNull(groups)) {
            throw new DriverModelException(Errno.EINVAL, d.path(), "null group");
        }
        return removeRoots(null, d, deadline, () -> groupRoots(TreeChecks.live(d), groups));
    }

    /** @return the nodes the groups added to the directory; ENOENT if one is missing. Context: tree lock held */
    private static <O> List<Node> groupRoots(DirNode dir, List<AttributeGroup<O>> groups) {
        List<Node> roots = new ArrayList<>();
        for (AttributeGroup<O> g : groups) {
            if (g.name().isPresent()) {
                roots.add(TreeChecks.liveChild(dir, g.name().get()));
            } else {
                for (Attribute<O> a : g.attributes()) {
                    roots.add(TreeChecks.liveChild(dir, a.name()));
                }
            }
        }
        return roots;
    }

    /**
     * @param path   what was asked to be removed, for the report; null: {@code named}'s path, made when shown
     * @param named  the directory a handle operation names; null: the first root
     * @param finder finds the roots; called under the tree lock (write)
     */
    private RemovalReport removeRoots(String path, DirNode named, Duration deadline, Supplier<List<Node>> finder) {
        if (deadline == null) {
            throw new DriverModelException(Errno.EINVAL, path != null ? SysfsPath.quote(path) : named != null ? named.path() : "(null)",
                    "null deadline");
        }
        long start = System.nanoTime();
        Removal mine = null;
        Removal other = null;
        Node what = null; // a removal by handle names its node; its path is made only when shown
        lock.writeLock().lock();
        try {
            List<Node> roots = finder.get();
            for (Node n : roots) {
                if (n == root) {
                    throw new DriverModelException(Errno.EINVAL, "/", "the root cannot be removed");
                }
                if (n instanceof FileNode f && !f.parent.attached(f)) {
                    throw new DriverModelException(Errno.EINVAL, f.path(), "a shared file goes only with its directory");
                }
                if (n instanceof LinkNode l && !l.parent.attached(l)) {
                    throw new DriverModelException(Errno.EINVAL, l.path(),
                            l.parent.isLinkDirectory() ? "a link directory's link goes only with its target" : "a link slot is cleared, not removed");
                }
                OpenFile.checkNotInside(n);
            }
            if (path == null) {
                what = named != null ? named : roots.get(0);
            }
            if (roots.size() == 1 && roots.get(0).removal != null) {
                other = roots.get(0).removal;
            } else {
                mine = new Removal(path, what);
                for (Node n : roots) {
                    mine.claim(n);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
        return other != null ? other.join(path, what, deadline, start) : mine.run(this, deadline, start);
    }

    /** Detaches removed nodes from their parents and targets. Context: no lock held; takes it. */
    void detach(List<Node> nodes) {
        lock.writeLock().lock();
        try {
            for (int i = 0; i < nodes.size(); i++) { // indexed: an unplug's garbage
                Node n = nodes.get(i);
                if (n.parent != null) {
                    n.parent.remove(n);
                }
                if (n instanceof LinkNode l) {
                    l.target.removeIncoming(l);
                } else if (n instanceof DirNode d) {
                    d.unlinkAll();
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** @return the removal that claimed this node, or null. Context: takes the lock briefly. */
    Removal removalOf(Node n) {
        lock.readLock().lock();
        try {
            return n.removal;
        } finally {
            lock.readLock().unlock();
        }
    }

    // ---- access (the users' side) ------------------------------------------------------------

    /**
     * Opens an attribute file for what its mode permits (reading if readable, writing if
     * writable): nothing is checked at open, a read of a write-only file fails at the read with
     * EACCES. The handle keeps only the file's node alive, never its owner.
     *
     * <p>Context: any thread; takes the tree lock (read) briefly; calls no owner code.
     *
     * @param path the file, possibly through a link
     * @return the handle; the caller closes it
     * @throws DriverModelException EINVAL/ENAMETOOLONG for a malformed path; ENOENT if it does
     *         not exist, is deactivated or removed; EINVAL "is a directory" / "not a directory"
     */
    public AttributeFile open(String path) {
        return open(path, null);
    }

    /**
     * Opens an attribute file for one access mode, checked against the file's mode now, as
     * {@code open(2)} on sysfs ({@code kernfs_fop_open} refuses a read open of a file without
     * show, a write open of one without store).
     *
     * @param path   the file, possibly through a link
     * @param access the access; null: what the file's mode permits, unchecked (as {@link #open(String)})
     * @return the handle
     * @throws DriverModelException as {@link #open(String)}; EACCES if the file's mode lacks the
     *         access (nothing is opened)
     */
    public AttributeFile open(String path, AccessMode access) {
        List<String> c = SysfsPath.parse(path);
        lock.readLock().lock();
        try {
            FileNode f = fileAt(c, path);
            if (f.parent.attached(f)) {
                return openLocked(f, access);
            }
        } finally {
            lock.readLock().unlock();
        }
        // a shared file opened for the first time in its directory: it becomes a child, for good
        lock.writeLock().lock();
        try {
            FileNode f = fileAt(c, path);
            if (!f.parent.attached(f)) {
                f.parent.put(f);
            }
            return openLocked(f, access);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Context: tree lock held. */
    private FileNode fileAt(List<String> c, String path) {
        Node n = resolve(c, c.size(), path, Lookup.VISIBLE, true);
        if (!(n instanceof FileNode f)) {
            throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(path), "is a directory");
        }
        return f;
    }

    /** Context: tree lock held (read or write); {@code f} attached. */
    private AttributeFile openLocked(FileNode f, AccessMode access) {
        AccessMode a = access;
        if (a == null) {
            a = f.readable() && !f.writable() ? AccessMode.READ : !f.readable() && f.writable() ? AccessMode.WRITE : AccessMode.READ_WRITE;
        } else if (a.reads() && !f.readable() || a.writes() && !f.writable()) {
            throw new DriverModelException(Errno.EACCES, f.path(),
                    "cannot open for " + a + " (mode 0" + Integer.toOctalString(f.mode) + ")");
        }
        OpenFile h = new OpenFile(this, f, a);
        f.addHandle(h); // under the lock: a removal's claim comes strictly before or after
        h.opened();
        return h;
    }

    /**
     * Opens a directory, to list it through the handle ({@link OpenDirectory}: a removed
     * directory lists as empty, as kernfs's readdir).
     *
     * <p>Context: any thread; takes the tree lock (read) briefly.
     *
     * @param dirPath the directory, possibly through a link
     * @return the handle
     * @throws DriverModelException EINVAL/ENAMETOOLONG for a malformed path; ENOENT if it does
     *         not exist, is deactivated or removed; EINVAL "not a directory"
     */
    public AttributeDirectory openDirectory(String dirPath) {
        List<String> c = SysfsPath.parse(dirPath);
        lock.readLock().lock();
        try {
            return new OpenDirectory(this, TreeChecks.directory(resolve(c, c.size(), dirPath, Lookup.VISIBLE, true), dirPath));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Tells a node's metadata by path, links followed ({@code stat(2)}; sysfs gives every
     * attribute file the size of a page, {@code sysfs_add_file_mode_ns}).
     *
     * <p>Context: any thread; takes the tree lock (read) briefly; calls no owner code.
     *
     * @param path the node
     * @return its metadata
     * @throws DriverModelException EINVAL/ENAMETOOLONG for a malformed path; ENOENT if it does
     *         not exist, is deactivated or removed
     */
    public FileStat stat(String path) {
        List<String> c = SysfsPath.parse(path);
        lock.readLock().lock();
        try {
            Node n = resolve(c, c.size(), path, Lookup.VISIBLE, true);
            if (n instanceof FileNode f) {
                return new FileStat(f.path(), FileStat.Type.FILE, f.mode, FileStat.PAGE_SIZE);
            }
            return new FileStat(n.path(), FileStat.Type.DIRECTORY, 0755, 0);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Announces a change of a file's value (sysfs {@code sysfs_notify}): handles waiting in
     * {@link AttributeFile#awaitChange} wake. A file not opened by anyone costs nothing.
     *
     * <p>Context: any thread, also inside a callback of this tree; takes the tree lock (read)
     * and the file's notification monitor briefly, one after the other; calls no owner code.
     *
     * @param path the file, possibly through a link; deactivated files count (nobody can watch
     *             them yet)
     * @throws DriverModelException EINVAL/ENAMETOOLONG for a malformed path; ENOENT if it does
     *         not exist or is being removed; EINVAL "is a directory"
     */
    public void notifyChange(String path) {
        List<String> c = SysfsPath.parse(path);
        FileNode f;
        lock.readLock().lock();
        try {
            Node n = resolve(c, c.size(), path, Lookup.LIVE, true);
            if (!(n instanceof FileNode file)) {
                throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(path), "is a directory");
            }
            f = file;
        } finally {
            lock.readLock().unlock();
        }
        f.notifyChange();
    }

    /**
     * Lists a directory.
     *
     * <p>Context: any thread; takes the tree lock (read) briefly.
     *
     * @param dirPath the directory, possibly through a link
     * @return the names of its visible children, sorted
     * @throws DriverModelException EINVAL/ENAMETOOLONG for a malformed path; ENOENT if it does
     *         not exist, is deactivated or removed; EINVAL "not a directory"
     */
    public List<String> list(String dirPath) {
        List<String> c = SysfsPath.parse(dirPath);
        lock.readLock().lock();
        try {
            DirNode dir = TreeChecks.directory(resolve(c, c.size(), dirPath, Lookup.VISIBLE, true), dirPath);
            return dir.visibleNames();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @return the node at a path, removal in progress included; for tests. Context: takes the lock briefly */
    Node node(String path) {
        List<String> c = SysfsPath.parse(path);
        lock.readLock().lock();
        try {
            return resolve(c, c.size(), path, Lookup.ANY, true);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "AttributeTree";
    }

    // ---- lookup (Context: tree lock held) ----------------------------------------------------

    /** Walks the first n components, resolving links (one level) except the last unless asked. */
    private Node resolve(List<String> c, int n, String path, Lookup mode, boolean followLast) {
        Node cur = root;
        for (int i = 0; i < n; i++) {
            if (!(cur instanceof DirNode dir)) {
                throw new DriverModelException(Errno.EINVAL, SysfsPath.join(c, i), "not a directory");
            }
            Node next = c instanceof SysfsPath.Components parsed ? dir.child(parsed.key(i)) : dir.child(c.get(i));
            if (next == null) {
                next = dir.virtualChild(c.get(i), i == n - 1); // a transient node: see open, DirNode
            }
            if (next == null || !mode.admits(next)) {
                throw TreeChecks.noEntry(path);
            }
            if (next instanceof LinkNode link && (i < n - 1 || followLast)) {
                next = link.target;
                if (mode == Lookup.VISIBLE ? !next.visible() : !mode.admits(next)) {
                    throw TreeChecks.noEntry(path); // dangling: the target is deactivated or going
                }
            }
            cur = next;
        }
        return cur;
    }

    private DirNode parentOf(List<String> c, String path) {
        Node parent = resolve(c, c.size() - 1, path, Lookup.LIVE, true);
        if (!(parent instanceof DirNode dir)) { // the parent's path is made for the error only
            throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(SysfsPath.join(c, c.size() - 1)), "not a directory");
        }
        return dir;
    }

    private static void activateSubtree(Node n) {
        if (n.state == NodeState.NEW) {
            n.state = NodeState.ACTIVE;
        }
        if (n instanceof DirNode dir) {
            dir.forEachChild(AttributeTree::activateSubtree);
        }
        for (LinkNode link = n.firstIncoming(); link != null; link = link.nextIncoming) {
            if (link.state == NodeState.NEW) {
                link.state = NodeState.ACTIVE;
            }
        }
    }
}
