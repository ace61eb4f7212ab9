package org.drivermodel.block;

import java.nio.ByteBuffer;

import org.drivermodel.error.Errno;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One request handed to a driver's {@link RequestHandler}. The driver completes it exactly once,
 * from any thread, now or later: {@link #complete()} or {@link #fail}. A second completion is
 * ignored and reported; a request the driver never completes is completed by the block layer
 * with EIO when the disk goes.
 */
@ProviderType
public interface BlockRequest {

    /** @return what is asked */
    BlockOp op();

    /** @return the byte offset on the disk, a multiple of the block size (0 for FLUSH) */
    long offset();

    /** @return the byte count, a multiple of the block size (0 for FLUSH) */
    int length();

    /**
     * @return the data: for READ the driver puts {@link #length()} bytes into it, for WRITE it
     *         takes them from it; positioned at the start, limited to the length. Use it only
     *         until completing the request.
     */
    ByteBuffer buffer();

    /** Completes the request successfully. */
    void complete();

    /**
     * Completes the request with an error.
     *
     * @param errno  the error, e.g. EIO
     * @param reason what went wrong
     */
    void fail(Errno errno, String reason);
}
