package org.drivermodel.error;

/**
 * The Linux error numbers the driver model answers with, spelled and numbered as in
 * {@code include/uapi/asm-generic/errno-base.h} and {@code errno.h}.
 */
public enum Errno {
    /** Operation not permitted. */
    EPERM(1, "Operation not permitted"),
    /** No such file or directory: a lookup of something that is not there (any more). */
    ENOENT(2, "No such file or directory"),
    /** Interrupted system call: a wait was interrupted. */
    EINTR(4, "Interrupted system call"),
    /** I/O error. */
    EIO(5, "Input/output error"),
    /** No such device or address. */
    ENXIO(6, "No such device or address"),
    /** Bad file descriptor: e.g. a read through a handle opened for writing only. Since 1.2. */
    EBADF(9, "Bad file descriptor"),
    /** Try again: e.g. binding a device whose probe is deferred. */
    EAGAIN(11, "Resource temporarily unavailable"),
    /** Out of memory. */
    ENOMEM(12, "Cannot allocate memory"),
    /** Permission denied: e.g. a write to a read-only attribute. */
    EACCES(13, "Permission denied"),
    /** Device or resource busy: e.g. a pinned driver, leftovers before probe. */
    EBUSY(16, "Device or resource busy"),
    /** File exists: a duplicate name. */
    EEXIST(17, "File exists"),
    /** No such device: the object was removed while a handle to it was held. */
    ENODEV(19, "No such device"),
    /** Invalid argument. */
    EINVAL(22, "Invalid argument"),
    /** No space left on device. */
    ENOSPC(28, "No space left on device"),
    /** Read-only file system: a write to a read-only disk. */
    EROFS(30, "Read-only file system"),
    /** Result out of range. */
    ERANGE(34, "Numerical result out of range"),
    /** File name too long. */
    ENAMETOOLONG(36, "File name too long"),
    /** Cannot send after transport endpoint shutdown: the object is being torn down. */
    ESHUTDOWN(108, "Cannot send after transport endpoint shutdown"),
    /** Connection timed out: a drain passed its deadline. */
    ETIMEDOUT(110, "Connection timed out"),
    /** Operation canceled. */
    ECANCELED(125, "Operation canceled"),
    /** Driver requests probe retry (kernel-internal in Linux). */
    EPROBE_DEFER(517, "Probe deferred");

    private final int number;
    private final String description;

    Errno(int number, String description) {
        this.number = number;
        this.description = description;
    }

    /** @return the positive Linux error number */
    public int number() {
        return number;
    }

    /** @return strerror(3)'s text for this code */
    public String description() {
        return description;
    }
}
