package org.drivermodel.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An open attribute file (Linux {@code struct kernfs_open_file}): what a reader or writer
 * holds. It keeps only a core-owned node alive, never the owner or its code: once the file is
 * removed, {@link #read()} and {@link #write(String)} fail with {@code ENODEV} without calling
 * the owner, as on Linux a file opened before its device was deleted.
 *
 * <p>Thread-safe: any thread may read or write; calls are not serialised against each other.
 */
@ProviderType
public interface AttributeFile extends AutoCloseable {

    /** @return the canonical path of the file (links resolved), e.g. {@code /devices/vbus0/x/size} */
    String path();

    /**
     * @return the file's Linux permission bits, as {@code ls -l /sys/...} shows them: {@code 0444}
     *         read-only, {@code 0644} read-write, {@code 0200} write-only (what a viewer needs to
     *         offer an edit field only where a write can succeed); known without calling the owner
     * @since 2.1
     */
    int mode();

    /**
     * Reads the current value; each call asks the owner afresh.
     *
     * @return the value text, normally ending with a newline
     * @throws org.drivermodel.error.DriverModelException EACCES if the file is not readable;
     *         ENODEV once it was removed; EINVAL after {@link #close()}; what the owner's show
     *         throws (EIO for anything but a DriverModelException)
     */
    String read();

    /**
     * Writes a value.
     *
     * @param value the text, at most 4096 characters
     * @throws org.drivermodel.error.DriverModelException EACCES if the file is not writable;
     *         ENODEV once it was removed; EINVAL for a null or overlong value, after
     *         {@link #close()}, or when the owner refuses the value (then nothing changed)
     */
    void write(String value);

    /**
     * Closes the handle and releases it, unless removal released it already; never twice.
     * Closing again does nothing.
     *
     * @throws org.drivermodel.error.DriverModelException EIO if the owner's release hook
     *         failed (the handle is closed and released all the same)
     */
    @Override
    void close();
}
