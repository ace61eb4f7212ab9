package org.drivermodel.block.impl;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.drivermodel.block.BlockOp;
import org.drivermodel.block.BlockRequest;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * One request. Its completion is claimed once by CAS: the winner counts it and completes the
 * future; every later completion (a driver completing twice, or a late completion of a request
 * the queue aborted) is ignored and reported.
 *
 * <p>Concurrency: immutable but for {@link #done}; any thread may complete it.
 */
final class Request implements BlockRequest {
    private final RequestQueue queue;
    private final BlockOp op;
    private final long offset;
    private final ByteBuffer buffer;
    private final int length;
    private final CompletableFuture<Void> future = new CompletableFuture<>();
    private final AtomicBoolean done = new AtomicBoolean(); /* claimed by the one completion that counts */

    Request(RequestQueue queue, BlockOp op, long offset, ByteBuffer buffer) {
        this.queue = queue;
        this.op = op;
        this.offset = offset;
        this.buffer = buffer;
        this.length = buffer == null ? 0 : buffer.remaining();
    }

    @Override
    public BlockOp op() {
        return op;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public void complete() {
        finish(null, null, false);
    }

    @Override
    public void fail(Errno errno, String reason) {
        finish(errno == null ? Errno.EIO : errno, reason, false);
    }

    CompletableFuture<Void> future() {
        return future;
    }

    /**
     * Completes the request unless it was completed already.
     *
     * @param errno   null for success
     * @param byQueue true when the queue completes it (an abort, a handler that threw)
     * @return true for the one call that completed it
     */
    boolean finish(Errno errno, String reason, boolean byQueue) {
        if (!done.compareAndSet(false, true)) {
            if (!byQueue) {
                queue.ignoredCompletion(this, errno);
            }
            return false;
        }
        queue.completed(this, errno == null);
        if (errno == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(new DriverModelException(errno, queue.name(), op + " at " + offset + ": " + reason));
        }
        return true;
    }

    @Override
    public String toString() {
        return op + " " + offset + "+" + length + " on " + queue.name();
    }
}
