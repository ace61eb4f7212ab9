package org.drivermodel.block.impl;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.drivermodel.block.BlockOp;
import org.drivermodel.block.DiskHandle;
import org.drivermodel.block.DiskSpec;
import org.drivermodel.block.DiskStats;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * A consumer's {@link DiskHandle}. It reaches the driver only through the disk's queue, which
 * drops the driver's handler when it dies, so a handle held forever pins nothing of the driver.
 *
 * <p>Concurrency: {@link #closed} is set once by CAS; any thread may use the handle.
 */
final class Handle implements DiskHandle {
    private final DiskImpl disk;
    private final String holder;
    private final Consumer<Handle> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    Handle(DiskImpl disk, String holder, Consumer<Handle> onClose) {
        this.disk = disk;
        this.holder = holder;
        this.onClose = onClose;
    }

    @Override
    public String name() {
        return disk.name();
    }

    @Override
    public DiskSpec spec() {
        return disk.spec();
    }

    @Override
    public DiskStats stats() {
        return disk.stats();
    }

    @Override
    public CompletionStage<Void> read(long offset, ByteBuffer dst) {
        checkOpen();
        return disk.submit(BlockOp.READ, offset, dst);
    }

    @Override
    public CompletionStage<Void> write(long offset, ByteBuffer src) {
        checkOpen();
        return disk.submit(BlockOp.WRITE, offset, src);
    }

    @Override
    public CompletionStage<Void> flush() {
        checkOpen();
        return disk.submit(BlockOp.FLUSH, 0, null);
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new DriverModelException(Errno.EINVAL, disk.name(), "handle of " + holder + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.accept(this);
        }
    }

    @Override
    public String toString() {
        return "handle of " + holder + " on disk " + disk.name();
    }
}
