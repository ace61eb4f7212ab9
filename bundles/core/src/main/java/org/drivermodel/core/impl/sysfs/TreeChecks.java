package org.drivermodel.core.impl.sysfs;

import java.util.List;

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
        for (Object o : list) {
            if (o == null) {
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

    /** Adds the name to those being added, or throws EEXIST if the directory or they have it. */
    static void checkNewName(DirNode dir, List<String> adding, String name) {
        if (dir.child(name) != null || dir.sharedFile(name) != null || adding.contains(name)) {
            throw new DriverModelException(Errno.EEXIST, child(dir, name), "exists");
        }
        adding.add(name);
    }

    static void checkFree(DirNode parent, String name, String path) {
        if (parent.child(name) != null || parent.sharedFile(name) != null) {
            throw new DriverModelException(Errno.EEXIST, SysfsPath.quote(path), "exists");
        }
    }

    static Node liveChild(DirNode dir, String name) {
        Node n = dir.child(name);
        if (n == null || n.state == NodeState.REMOVED) {
            throw noEntry(child(dir, name));
        }
        return n;
    }

    static String child(DirNode dir, String name) {
        return dir.parent == null ? "/" + name : dir.path() + "/" + name;
    }

    static DriverModelException noEntry(String path) {
        return new DriverModelException(Errno.ENOENT, SysfsPath.quote(path), "no such file or directory");
    }
}
