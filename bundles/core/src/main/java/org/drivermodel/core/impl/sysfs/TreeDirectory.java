package org.drivermodel.core.impl.sysfs;

/**
 * A directory of the {@link AttributeTree} as the code that made it holds it, as a kobject holds
 * its {@code kernfs_node} in {@code kobj->sd}: building in it, linking to it and removing it take
 * no path lookup, and can never reach a directory of the same path made since (a device removed
 * and added again under its name). Operations on a directory that is being removed, or was,
 * fail with ENOENT, as a lookup of its path would.
 *
 * <p>Obtained from {@link AttributeTree#createDirectory(String)} and its variants; only the tree
 * makes them.
 */
public sealed interface TreeDirectory permits DirNode {

    /** @return its canonical path, made on each call (the tree keeps no path strings) */
    String path();
}
