package org.drivermodel.api;

/**
 * How an attribute file is opened ({@code O_RDONLY}, {@code O_WRONLY}, {@code O_RDWR}): fixed at
 * {@link DriverCore#open(String, AccessMode)}. Opening a file for an access its mode does not
 * permit fails there, with {@code EACCES}, as {@code open(2)} on sysfs does; a read through a
 * handle not opened for reading (or a write through one not opened for writing) fails with
 * {@code EBADF}. Since 2.1.
 */
public enum AccessMode {
    /** For reading only: the file must be readable ({@link Attribute#S_IRUSR}). */
    READ,
    /** For writing only: the file must be writable ({@link Attribute#S_IWUSR}). */
    WRITE,
    /** For reading and writing: the file must be both. */
    READ_WRITE;

    /** @return true if a handle opened so may read */
    public boolean reads() {
        return this != WRITE;
    }

    /** @return true if a handle opened so may write */
    public boolean writes() {
        return this != READ;
    }
}
