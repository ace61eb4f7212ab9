package org.drivermodel.block.impl;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.drivermodel.api.Device;
import org.drivermodel.block.BlockOp;
import org.drivermodel.block.Disk;
import org.drivermodel.block.DiskSpec;
import org.drivermodel.block.DiskStats;
import org.drivermodel.block.RequestHandler;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * A registered disk: its spec, its request queue and its class device. Handles reach the driver
 * only through the queue, so killing the queue orphans every handle at once.
 *
 * <p>Concurrency: the queue is thread-safe; {@link #classDevice} is written once, before the
 * disk can be opened. An open checks the queue's state, and every submission checks it again
 * (after taking its tag), so a handle opened while the removal began submits nothing.
 */
final class DiskImpl implements Disk {
    private final DiskSpec spec;
    private final RequestQueue queue;
    private volatile Device classDevice; /* set once registered */

    DiskImpl(DiskSpec spec, RequestHandler handler, Consumer<String> report) {
        this.spec = spec;
        this.queue = new RequestQueue(spec.name(), spec.queueDepth(), handler, report);
    }

    @Override
    public DiskSpec spec() {
        return spec;
    }

    @Override
    public DiskStats stats() {
        return queue.stats();
    }

    String name() {
        return spec.name();
    }

    Device classDevice() {
        return classDevice;
    }

    void setClassDevice(Device d) {
        classDevice = d;
    }

    int inFlight() {
        return queue.inFlight();
    }

    boolean live() {
        return queue.state() == QueueState.LIVE;
    }

    /** Opens a handle for {@code holder}. @throws DriverModelException ENODEV once the disk is going */
    Handle open(String holder, Consumer<Handle> onClose) {
        if (!live()) {
            throw new DriverModelException(Errno.ENODEV, spec.name(), "disk is being removed");
        }
        return new Handle(this, holder, onClose);
    }

    /** Validates and submits a request for a handle. */
    CompletableFuture<Void> submit(BlockOp op, long offset, ByteBuffer buffer) {
        if (!live()) { // a removed disk answers ENODEV to anything, well-formed or not
            throw new DriverModelException(Errno.ENODEV, spec.name(), "disk was removed");
        }
        if (op != BlockOp.FLUSH) {
            if (buffer == null) {
                throw new DriverModelException(Errno.EINVAL, spec.name(), op + ": no buffer");
            }
            int length = buffer.remaining();
            if (offset < 0 || length <= 0 || offset % spec.blockSize() != 0 || length % spec.blockSize() != 0) {
                throw new DriverModelException(Errno.EINVAL, spec.name(), op + " of " + length + " bytes at " + offset
                        + ": offset and length must be multiples of the block size " + spec.blockSize() + ", length positive");
            }
            if (offset > spec.capacity() - length) {
                throw new DriverModelException(Errno.EINVAL, spec.name(), op + " of " + length + " bytes at " + offset
                        + ": beyond the end of the disk (" + spec.capacity() + " bytes)");
            }
            if (op == BlockOp.READ && buffer.isReadOnly()) {
                throw new DriverModelException(Errno.EINVAL, spec.name(), "READ into a read-only buffer");
            }
            if (op == BlockOp.WRITE && spec.readOnly()) {
                throw new DriverModelException(Errno.EROFS, spec.name(), "disk is read-only");
            }
        }
        return queue.submit(op, offset, op == BlockOp.FLUSH ? null : buffer.slice());
    }

    /**
     * The disk's disconnect-now, before its driver's remove: no new opens, the queue killed and
     * drained, open handles orphaned (they see ENODEV from the dead queue).
     */
    KillReport remove(Duration deadline) {
        return queue.kill(deadline); // handles are orphaned with it: they answer ENODEV from now on
    }

    @Override
    public String toString() {
        return "disk " + spec.name();
    }
}
