package org.drivermodel.api;

/**
 * What {@link DriverCore#stat(String)} tells of a node of the attribute tree ({@code stat(2)} on
 * sysfs): its canonical path, its type, its permission bits and the size sysfs reports. Since 2.1.
 *
 * @param path the canonical path, links resolved
 * @param type a file or a directory (links are followed)
 * @param mode the permission bits, e.g. {@code 0644} for a read-write attribute, {@code 0755}
 *             for a directory
 * @param size as sysfs reports it: {@link #PAGE_SIZE} for every attribute file, whatever its
 *             value's length (the value is made only when read), 0 for a directory
 */
public record FileStat(String path, Type type, int mode, long size) {

    /** The size sysfs reports for an attribute file: one page, the most a read returns. */
    public static final long PAGE_SIZE = 4096;

    /** What a node is. */
    public enum Type {
        /** An attribute file. */
        FILE,
        /** A directory. */
        DIRECTORY
    }
}
