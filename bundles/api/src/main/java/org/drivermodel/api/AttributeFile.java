package org.drivermodel.api;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An open attribute file (Linux {@code struct kernfs_open_file}): what a reader or writer
 * holds. It keeps only a core-owned node alive, never the owner or its code: once the file is
 * removed, {@link #read()} and {@link #write(String)} fail with {@code ENODEV} without calling
 * the owner, as on Linux a file opened before its device was deleted.
 *
 * <p><b>Reads, as sysfs's {@code seq_file}</b> (since 2.1). The handle has a position and a
 * snapshot. A read at position 0 calls the owner's {@code show} and keeps what it returned (at
 * most one page, {@value #PAGE_SIZE} characters: the rest is cut off) as this handle's
 * snapshot; a read at a later position returns the next part of that same snapshot without
 * calling {@code show}, and "" at its end. {@link #seek(long) seek(0)} and a read call
 * {@code show} again. {@link #read()} is the whole of that in one call: a fresh {@code show},
 * from position 0, the whole value.
 *
 * <p><b>Access mode</b> (since 2.1): fixed at open ({@link DriverCore#open(String, AccessMode)});
 * a read through a handle not opened for reading, or a write through one not opened for
 * writing, gives {@code EBADF}. {@link DriverCore#open(String)} opens for whatever the file's
 * mode permits, so there reading a write-only file gives {@code EACCES} at the read.
 *
 * <p><b>Change notification</b> (since 2.1, Linux {@code sysfs_notify} and {@code poll}): the
 * owner announces a change ({@link BoundDevice#notifyChange}); {@link #awaitChange} returns when
 * one was announced after this handle's last {@code show} (or its open).
 *
 * <p>Thread-safe: any thread may read or write; calls are not serialised against each other
 * (two threads reading one handle share its position: use one handle per reader).
 */
@ProviderType
public interface AttributeFile extends AutoCloseable {

    /** The most one {@code show} returns: one page, as sysfs's buffer. Since 2.1. */
    int PAGE_SIZE = 4096;

    /** @return the canonical path of the file (links resolved), e.g. {@code /devices/vbus0/x/size} */
    String path();

    /**
     * @return the file's Linux permission bits, as {@code ls -l /sys/...} shows them (and
     *         {@link DriverCore#stat} gives): {@code 0444} read-only, {@code 0644} read-write,
     *         {@code 0200} write-only (what a viewer needs to offer an edit field only where a
     *         write can succeed); known without calling the owner
     * @since 2.1
     */
    int mode();

    /**
     * Reads the whole current value: {@code seek(0)}, then one fresh {@code show}, returned
     * whole (at most {@value #PAGE_SIZE} characters); the position is left at its end.
     *
     * @return the value text, normally ending with a newline
     * @throws org.drivermodel.error.DriverModelException EACCES if the file is not readable
     *         (opened with {@link DriverCore#open(String)}); EBADF if the handle was not opened
     *         for reading; ENODEV once it was removed; EINVAL after {@link #close()}; what the
     *         owner's show throws (EIO for anything but a DriverModelException)
     */
    String read();

    /**
     * Reads at the handle's position and advances it (Linux {@code read(2)} on sysfs): at
     * position 0 the owner's {@code show} runs and its value becomes this handle's snapshot;
     * further on, the snapshot's next characters are returned without calling {@code show}
     * (if there is no snapshot yet, after a {@link #seek} past 0, {@code show} runs once to
     * make it). Since 2.1.
     *
     * @param max the most characters to return, at least 0
     * @return up to {@code max} characters; "" at the end of the snapshot
     * @throws org.drivermodel.error.DriverModelException EINVAL for a negative {@code max} and
     *         after {@link #close()}; otherwise as {@link #read()}
     */
    String read(int max);

    /**
     * Moves the handle's position ({@code lseek(SEEK_SET)}); a read at 0 calls {@code show}
     * again. A position past the end of the snapshot reads "". Since 2.1.
     *
     * @param position the new position, at least 0
     * @throws org.drivermodel.error.DriverModelException EINVAL for a negative position or after
     *         {@link #close()}
     */
    void seek(long position);

    /** @return the handle's position: where the next {@link #read(int)} starts. Since 2.1. */
    long position();

    /**
     * Writes a value.
     *
     * @param value the text, at most 4096 characters
     * @throws org.drivermodel.error.DriverModelException EACCES if the file is not writable
     *         (opened with {@link DriverCore#open(String)}); EBADF if the handle was not opened
     *         for writing; ENODEV once it was removed; EINVAL for a null or overlong value, after
     *         {@link #close()}, or when the owner refuses the value (then nothing changed)
     */
    void write(String value);

    /**
     * Waits until the file's owner announces a change ({@link BoundDevice#notifyChange}) that
     * came after this handle's last {@code show} (or after its open, if it never read), as
     * {@code poll(2)} on a sysfs file waits for {@code sysfs_notify}. Returns at once if one
     * came already. Reading ({@code show}) consumes the announcement: read after each wake.
     *
     * <p>Better than Linux: when the file is removed, a waiter is woken at once with
     * {@code ENODEV} (Linux leaves an already blocked {@code poll} until its timeout).
     * Since 2.1.
     *
     * @param timeout how long to wait at most; zero or negative: only look
     * @return true if a change was announced, false at the timeout
     * @throws org.drivermodel.error.DriverModelException ENODEV if the file was removed (before
     *         or during the wait); EINVAL after (or at) {@link #close()} or for a null timeout; EINTR if
     *         the thread was interrupted (its interrupt status is kept)
     */
    boolean awaitChange(Duration timeout);

    /**
     * Closes the handle and releases it, unless removal released it already; never twice.
     * Closing again does nothing. A thread in {@link #awaitChange} on this handle is woken
     * with {@code EINVAL}.
     *
     * @throws org.drivermodel.error.DriverModelException EIO if the owner's release hook
     *         failed (the handle is closed and released all the same)
     */
    @Override
    void close();
}
