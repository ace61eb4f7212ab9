package org.drivermodel.core.impl.sysfs;

import java.util.ArrayList;
import java.util.List;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * Absolute paths of the attribute tree: parsed into components and checked, so that a malformed
 * path is refused before anything is looked up or changed. Stateless.
 *
 * <p>Accepted: {@code /} and {@code /a/b/c}. Refused with {@code EINVAL}: null, empty, relative,
 * an empty component ({@code //}, trailing {@code /}), {@code .} or {@code ..}, a control
 * character; with {@code ENAMETOOLONG}: more than {@link #PATH_MAX} characters or a component of
 * more than {@link #NAME_MAX}.
 */
final class SysfsPath {

    /** Longest path, as Linux {@code PATH_MAX}. */
    static final int PATH_MAX = 4096;

    /** Longest component, as Linux {@code NAME_MAX}. */
    static final int NAME_MAX = 255;


    private SysfsPath() {
    }

    /**
     * @param path an absolute path
     * @return its components; empty for the root
     * @throws DriverModelException EINVAL or ENAMETOOLONG as in the class comment
     */
    static List<String> parse(String path) {
        if (path == null) {
            throw new DriverModelException(Errno.EINVAL, "(null)", "null path");
        }
        if (path.isEmpty()) {
            throw new DriverModelException(Errno.EINVAL, "(empty)", "empty path");
        }
        if (path.length() > PATH_MAX) {
            throw new DriverModelException(Errno.ENAMETOOLONG, quote(path),
                    "path of " + path.length() + " characters, longer than " + PATH_MAX);
        }
        if (path.charAt(0) != '/') {
            throw new DriverModelException(Errno.EINVAL, quote(path), "not an absolute path");
        }
        if (path.length() == 1) {
            return new ArrayList<>(0);
        }
        int slashes = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                slashes++;
            }
        }
        List<String> components = new ArrayList<>(slashes); // exactly as many: no growing
        int start = 1;
        for (;;) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            components.add(checkName(path, path.substring(start, end)));
            if (end == path.length()) {
                return components;
            }
            start = end + 1;
        }
    }

    /**
     * @param path      the path the name is part of, for the error message
     * @param name      a component
     * @return name
     * @throws DriverModelException EINVAL or ENAMETOOLONG
     */
    static String checkName(String path, String name) {
        if (name.isEmpty()) {
            throw new DriverModelException(Errno.EINVAL, quote(path), "empty path component ('//' or a trailing '/')");
        }
        if (name.length() > NAME_MAX) {
            throw new DriverModelException(Errno.ENAMETOOLONG, quote(path),
                    "component of " + name.length() + " characters, longer than " + NAME_MAX);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new DriverModelException(Errno.EINVAL, quote(path), "'" + name + "' components are not allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new DriverModelException(Errno.EINVAL, quote(path), "control character in path");
            }
        }
        return name;
    }

    /** @return the path made safe and short for an error message */
    static String quote(String path) {
        return DriverModelException.quote(path);
    }


    /** @return the path made of components 0..n-1 */
    static String join(List<String> components, int n) {
        if (n == 0) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append('/').append(components.get(i));
        }
        return sb.toString();
    }
}
