package org.drivermodel.block;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * What a driver declares of a disk.
 *
 * @param name       1-32 of [a-z0-9], starting with a letter, e.g. {@code ram0}; unique
 * @param capacity   its size in bytes: a positive multiple of {@code blockSize}
 * @param blockSize  its logical block size: 512 to 65536, a power of two; offsets and lengths
 *                   of requests are multiples of it
 * @param queueDepth how many requests may be outstanding at once, 1 to 4096; a submitter
 *                   waits for a free slot (back-pressure)
 * @param readOnly   whether writes are refused (EROFS)
 */
public record DiskSpec(String name, long capacity, int blockSize, int queueDepth, boolean readOnly) {

    /**
     * Validates.
     *
     * @throws DriverModelException EINVAL naming the disk and the field
     */
    public DiskSpec {
        String who = "disk " + DriverModelException.quote(String.valueOf(name));
        if (name == null || !name.matches("[a-z][a-z0-9]{0,31}")) {
            throw new DriverModelException(Errno.EINVAL, who, "name must be 1-32 of [a-z0-9], starting with a letter");
        }
        if (blockSize < 512 || blockSize > 65536 || Integer.bitCount(blockSize) != 1) {
            throw new DriverModelException(Errno.EINVAL, who, "block size " + blockSize + " is not a power of two from 512 to 65536");
        }
        if (capacity <= 0 || capacity % blockSize != 0) {
            throw new DriverModelException(Errno.EINVAL, who, "capacity " + capacity + " is not a positive multiple of the block size " + blockSize);
        }
        if (queueDepth < 1 || queueDepth > 4096) {
            throw new DriverModelException(Errno.EINVAL, who, "queue depth " + queueDepth + " is not 1 to 4096");
        }
    }
}
