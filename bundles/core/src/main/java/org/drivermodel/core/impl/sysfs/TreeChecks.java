package org.drivermodel.core.impl.sysfs;

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The checks and errors of {@link AttributeTree}'s operations on names and nodes: a name is one
 * valid component, a new name is free, a child is live; each failure is the errno sysfs gives,
 * naming the path. Context: the tree lock held where a directory's children are read.
 */
final class TreeChecks {
    private TreeChecks() {
    }

    /** @return true if the list is null or holds a null (List.of's contains(null) would throw) */
    static boolean hasNull(List<?> list) {
        if (list == null) {
            return true;
        }
        for (int i = 0; i < list.size(); i++) { // indexed: a plug makes no iterator
            if (list.get(i) == null) {
                return true;
            }
        }
        return false;
    }


    static DirNode directory(Node n, String path) {
        if (!(n instanceof DirNode dir)) {
            throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(path), "not a directory");
        }
        return dir;
    }

    /** @return {@code dir/name}, once the name is checked to be one valid component */
    static String component(String dir, String name) {
        String path = dir + "/" + name;
        if (name == null || name.indexOf('/') >= 0) {
            throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(path), "a name is one path component");
        }
        SysfsPath.checkName(path, name);
        return path;
    }

    /**
     * Checks that every name the groups add to the directory is free there and among them (a
     * named group adds its name, an unnamed one its attributes' names): EEXIST naming the first
     * taken. A handful of names: each is compared with those before it, nothing is made.
     */
    static <O> void checkNewNames(DirNode dir, List<AttributeGroup<O>> groups) {
        if (dir.isLinkDirectory()) {
            throw notInLinkDirectory(dir.path());
        }
        for (int g = 0; g < groups.size(); g++) {
            AttributeGroup<O> group = groups.get(g);
            if (group.name().isPresent()) {
                checkNewName(dir, groups, g, -1, group.name().get());
            } else {
                List<Attribute<O>> attributes = group.attributes();
                for (int a = 0; a < attributes.size(); a++) {
                    checkNewName(dir, groups, g, a, attributes.get(a).name());
                }
            }
        }
    }

    /** EEXIST if the directory has the name, or a name added before position (g, a) of the groups is the same. */
    private static <O> void checkNewName(DirNode dir, List<AttributeGroup<O>> groups, int g, int a, String name) {
        boolean taken = dir.child(name) != null || dir.takenVirtually(name);
        for (int i = 0; i <= g && !taken; i++) {
            AttributeGroup<O> group = groups.get(i);
            if (group.name().isPresent()) {
                taken = i < g && group.name().get().equals(name);
            } else {
                List<Attribute<O>> attributes = group.attributes();
                int before = i < g ? attributes.size() : a;
                for (int j = 0; j < before && !taken; j++) {
                    taken = attributes.get(j).name().equals(name);
                }
            }
        }
        if (taken) {
            throw new DriverModelException(Errno.EEXIST, child(dir, name), "exists");
        }
    }

    /**
     * @param path the new node's path, for the message; null: made from the parent's (a handle
     *             operation, which makes no path unless it fails)
     */
    static void checkFree(DirNode parent, String name, String path) {
        if (parent.isLinkDirectory()) {
            throw notInLinkDirectory(path == null ? child(parent, name) : SysfsPath.quote(path));
        }
        if (parent.child(name) != null || parent.takenVirtually(name)) {
            throw new DriverModelException(Errno.EEXIST, path == null ? child(parent, name) : SysfsPath.quote(path), "exists");
        }
    }

    /**
     * Checks a new node's name in a directory held by its handle: one valid component; the
     * path for the message is made only for a bad name.
     */
    static void checkName(DirNode dir, String name) {
        if (name == null || name.indexOf('/') >= 0 || !SysfsPath.isValidName(name)) {
            component(dir.parent == null ? "" : dir.path(), name); // throws, naming the path
        }
    }

    /** EINVAL unless shared files are an unnamed group with an owner. */
    static void checkShared(AttributeGroup<?> shared, Object owner, String path) {
        if (shared == null || owner == null || shared.name().isPresent()) {
            throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(path), "shared files need an unnamed group and an owner");
        }
    }

    /** @return the handle's directory; EINVAL for null */
    static DirNode handle(TreeDirectory dir) {
        if (dir == null) {
            throw new DriverModelException(Errno.EINVAL, "(null)", "null directory");
        }
        return (DirNode) dir;
    }

    /**
     * @return the directory, if it is not being removed (a claim marks a whole subtree, so the
     *         directory's own state says it); else ENOENT, as a lookup of its path. Context: tree
     *         lock held
     */
    static DirNode live(DirNode dir) {
        if (dir.state == NodeState.REMOVED) {
            throw noEntry(dir.path());
        }
        return dir;
    }

    /** @return the live child of that name, or the transient node of a virtual link of that name (see DirNode#virtualChild); else ENOENT */
    static Node liveChild(DirNode dir, String name) {
        Node n = name == null ? null : dir.child(name);
        if (n == null && name != null) {
            n = dir.virtualChild(name, false);
        }
        if (n == null || n.state == NodeState.REMOVED) {
            throw noEntry(child(dir, name));
        }
        return n;
    }

    static String child(DirNode dir, String name) {
        return dir.parent == null ? "/" + name : dir.path() + "/" + name;
    }

    static DriverModelException notInLinkDirectory(String path) {
        return new DriverModelException(Errno.EINVAL, path, "a link directory holds only links to the directories given to it");
    }

    static DriverModelException noEntry(String path) {
        return new DriverModelException(Errno.ENOENT, SysfsPath.quote(path), "no such file or directory");
    }
}
