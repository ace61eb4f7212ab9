package org.drivermodel.core.impl.sysfs;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * Absolute paths of the attribute tree: parsed into components and checked, so that a malformed
 * path is refused before anything is looked up or changed. Stateless. A parse makes no string
 * per component ({@link Components}): looking a path up is most of what a plug allocates
 * otherwise (issue #19).
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
        int[] ends = new int[slashes];
        int start = 1;
        for (int i = 0;; i++) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            checkName(path, start, end);
            ends[i] = end;
            if (end == path.length()) {
                return new Components(path, ends);
            }
            start = end + 1;
        }
    }

    /**
     * A parsed path's components, as a list: the path and where each component ends, so that
     * a lookup compares a component where it lies in the path ({@link #key}) and a component's
     * string is made only when asked for (an error message, a new node's name). Immutable.
     */
    static final class Components extends AbstractList<String> implements RandomAccess {
        private final String path;
        private final int[] ends;

        private Components(String path, int[] ends) {
            this.path = path;
            this.ends = ends;
        }

        private int start(int i) {
            return i == 0 ? 1 : ends[i - 1] + 1;
        }

        @Override
        public String get(int i) {
            return path.substring(start(i), ends[i]);
        }

        @Override
        public int size() {
            return ends.length;
        }

        /** @return a key for component {@code i}, compared with names as its string would be; for one lookup */
        Key key(int i) {
            return new Key(path, start(i), ends[i]);
        }
    }

    /** A component where it lies in its path, compared with a name as {@code String.compareTo} would compare its string. */
    record Key(String path, int start, int end) implements Comparable<String> {
        /** @return the hash its name's string would have ({@link String#hashCode}), made from the path in place */
        int nameHash() {
            int h = 0;
            for (int i = start; i < end; i++) {
                h = 31 * h + path.charAt(i);
            }
            return h;
        }

        @Override
        public int compareTo(String name) {
            int length = end - start;
            int n = Math.min(length, name.length());
            for (int i = 0; i < n; i++) {
                int c = path.charAt(start + i) - name.charAt(i);
                if (c != 0) {
                    return c;
                }
            }
            return length - name.length();
        }
    }

    /**
     * @param path      the path the name is part of, for the error message
     * @param name      a component
     * @return name
     * @throws DriverModelException EINVAL or ENAMETOOLONG
     */
    static String checkName(String path, String name) {
        checkName(name, 0, name.length(), path);
        return name;
    }

    /** {@link #checkName(String, String)} of the component {@code path[start, end)}. */
    private static void checkName(String path, int start, int end) {
        checkName(path, start, end, path);
    }

    /** @return true if the name is one valid component (what {@link #checkName(String, String)} accepts) */
    static boolean isValidName(String name) {
        return isValidName(name, 0, name.length());
    }

    private static boolean isValidName(String s, int start, int end) {
        int length = end - start;
        if (length == 0 || length > NAME_MAX
                || s.charAt(start) == '.' && (length == 1 || length == 2 && s.charAt(start + 1) == '.')) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void checkName(String s, int start, int end, String path) {
        if (isValidName(s, start, end)) {
            return;
        }
        int length = end - start;
        if (length == 0) {
            throw new DriverModelException(Errno.EINVAL, quote(path), "empty path component ('//' or a trailing '/')");
        }
        if (length > NAME_MAX) {
            throw new DriverModelException(Errno.ENAMETOOLONG, quote(path),
                    "component of " + length + " characters, longer than " + NAME_MAX);
        }
        if (s.charAt(start) == '.' && (length == 1 || length == 2 && s.charAt(start + 1) == '.')) {
            throw new DriverModelException(Errno.EINVAL, quote(path), "'" + s.substring(start, end) + "' components are not allowed");
        }
        for (int i = start; i < end; i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new DriverModelException(Errno.EINVAL, quote(path), "control character in path");
            }
        }
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
