/**
 * The attribute tree (Linux sysfs on kernfs): directories, attribute files and symlinks, whose
 * open handles are orphaned when the files are removed. Private to the core bundle.
 *
 * <p>One file per concept, after {@code fs/kernfs}: {@link AttributeTree} is dir.c (the tree,
 * its lock, lookup, activation and removal), {@link Node} and its kinds {@link DirNode},
 * {@link FileNode}, {@link LinkNode} are {@code struct kernfs_node} ({@link ChildTable}
 * holds a big directory's children, {@link LinkTable} a link directory's targets;
 * {@link DirectoryKind} is what a kind of directory shares: files and a link slot), {@link OpenFile} is
 * file.c ({@code struct kernfs_open_file} and the active-reference protocol of a read or a
 * write), {@link Removal} is {@code __kernfs_remove} with the drain of open files,
 * {@link SysfsPath} checks paths and names.
 */
package org.drivermodel.core.impl.sysfs;
