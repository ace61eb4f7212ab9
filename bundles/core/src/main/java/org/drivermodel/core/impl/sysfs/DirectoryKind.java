package org.drivermodel.core.impl.sysfs;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * What every directory of one kind shares, as Linux's {@code kobj_type} gives each kobject of a
 * kind its default attributes: its <b>shared files</b> and the name of its <b>link slot</b>.
 *
 * <ul>
 * <li>The shared files are listed, looked up, stat'ed and opened as each directory's own, but a
 * directory keeps only the group and its owner, not a node per file: a node is made when one is
 * first opened ({@link AttributeTree#open}).
 * <li>The link slot is one link each directory may have, to a directory of its choosing
 * ({@link AttributeTree#activate(TreeDirectory, TreeDirectory)}): a device's {@code driver} link,
 * kept in a field of the device's directory, not a {@link LinkNode}.
 * </ul>
 *
 * <p>Immutable; made once per kind (a subsystem's devices), shared by all its directories.
 *
 * @param <O>      what the shared files' callbacks receive
 * @param files    the shared files, an unnamed group (it may be empty)
 * @param linkName the name of the link slot, or null for none; not the name of a shared file
 */
public record DirectoryKind<O>(AttributeGroup<O> files, String linkName) {

    /**
     * @throws DriverModelException EINVAL for a null or named group, an invalid link name or one
     *         that a shared file has
     */
    public DirectoryKind {
        if (files == null || files.name().isPresent()) {
            throw new DriverModelException(Errno.EINVAL, String.valueOf(files), "shared files need an unnamed group");
        }
        if (linkName != null) {
            if (linkName.indexOf('/') >= 0 || !SysfsPath.isValidName(linkName)) {
                throw new DriverModelException(Errno.EINVAL, SysfsPath.quote(linkName), "a link slot's name is one path component");
            }
            for (Attribute<O> a : files.attributes()) {
                if (a.name().equals(linkName)) {
                    throw new DriverModelException(Errno.EEXIST, SysfsPath.quote(linkName), "a shared file has the link slot's name");
                }
            }
        }
    }

    /** @return a kind with these shared files and no link slot */
    public static <O> DirectoryKind<O> of(AttributeGroup<O> files) {
        return new DirectoryKind<>(files, null);
    }
}
