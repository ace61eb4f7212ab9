package org.drivermodel.block;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A consumer's open disk (Linux {@code bdev_open}), attributed to the bundle that opened it.
 * Requests complete asynchronously, exactly once; completion stages complete in the thread
 * that completed the request, so keep their actions short. Once the disk is removed every
 * operation gives ENODEV; the handle pins nothing of the driver.
 */
@ProviderType
public interface DiskHandle extends AutoCloseable {

    /** @return the disk's name */
    String name();

    /** @return the disk's spec */
    DiskSpec spec();

    /** @return the disk's counters; after its removal, its last ones */
    DiskStats stats();

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst}.
     *
     * @return completes when the data is in {@code dst}, or exceptionally with the error
     * @throws org.drivermodel.error.DriverModelException EINVAL for an offset or length that is
     *         not a multiple of the block size, empty, or beyond the end (nothing is submitted);
     *         ENODEV if the disk is gone or going; EINVAL if the handle is closed; EINTR if
     *         interrupted while waiting for a queue slot
     */
    CompletionStage<Void> read(long offset, ByteBuffer dst);

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}.
     *
     * @return completes when written, or exceptionally with the error
     * @throws org.drivermodel.error.DriverModelException as {@link #read}, and EROFS for a
     *         read-only disk
     */
    CompletionStage<Void> write(long offset, ByteBuffer src);

    /**
     * @return completes when every write completed before it is durable
     * @throws org.drivermodel.error.DriverModelException ENODEV if the disk is gone or going
     */
    CompletionStage<Void> flush();

    /** Closes the handle. Idempotent; requests in flight still complete. */
    @Override
    void close();
}
