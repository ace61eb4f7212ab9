package org.drivermodel.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An open directory of the attribute tree ({@code opendir(3)} on sysfs): a handle on the
 * directory's node, not on its path. It keeps only that core-owned node alive.
 *
 * <p><b>After the directory is removed</b> the handle behaves as kernfs's does:
 * {@link #list()} returns no entries and no error — {@code kernfs_fop_readdir}
 * ({@code fs/kernfs/dir.c}) walks the node's children, which the removal has unlinked, and skips
 * every node that is no longer active, so a removed directory reads as empty, at its end. A
 * directory of the same name made later is another node: the old handle still lists nothing.
 * A lookup by path ({@link DriverCore#list}, {@link DriverCore#stat}) gives {@code ENOENT}.
 *
 * <p>Thread-safe. Since 2.1.
 */
@ProviderType
public interface AttributeDirectory extends AutoCloseable {

    /** @return the canonical path of the directory (links resolved) */
    String path();

    /**
     * Lists the directory as it is now (each call looks again, as a {@code rewinddir} and
     * {@code readdir} would).
     *
     * @return the names of its visible entries, sorted; empty once the directory was removed
     * @throws org.drivermodel.error.DriverModelException EINVAL after {@link #close()}
     */
    List<String> list();

    /** Closes the handle; closing again does nothing. */
    @Override
    void close();
}
