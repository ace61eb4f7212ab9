package org.drivermodel.block.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import org.drivermodel.block.BlockOp;
import org.drivermodel.block.BlockRequest;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * One request, holding its queue tag from submission until it is both completed and out of the
 * driver's handler.
 *
 * <p>Concurrency: {@link #state} gathers two one-way bits: {@link #COMPLETED}, set by an atomic
 * OR by the one completion that counts (any later one finds it set: ignored and reported), and
 * {@link #RETURNED} when the submitter's call of the driver's handler returned (an atomic OR, or
 * a release store once the request is completed, see {@link #returned()}). Whichever of the
 * two is set second frees the tag, so a kill that finds every tag free knows that no request is
 * outstanding <em>and</em> no thread is inside the driver's handler. The rest is immutable.
 */
final class Request implements BlockRequest {
    /**
     * What a request reports its completions to: the queue it was submitted to, a
     * {@link RequestQueue} (the block-queue benchmark's baseline queue, which has no tags, is one
     * too, so that both sides of the comparison use this very class). Called from whatever thread
     * completes the request, with no lock held.
     */
    interface Queue {
        /** @return the queue's name, for errors and reports */
        String name();

        /**
         * A request's one counted completion.
         *
         * @param ok              true for success
         * @param handlerReturned true if the submitter's call of the handler had returned already
         */
        void completed(Request r, boolean ok, boolean handlerReturned);

        /** A completion after the first: ignored, to be counted and reported. */
        void ignoredCompletion(Request r, Errno errno);
    }

    /** The completion that counts has happened. */
    static final int COMPLETED = 1;
    /** The submitter's call of the driver's handler returned. */
    static final int RETURNED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Request.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Queue queue;
    private final int tag;
    private final BlockOp op;
    private final long offset;
    private final ByteBuffer buffer;
    private final int length;
    private final Thread submitter; /* named by a kill that finds it still inside the handler */
    private final CompletableFuture<Void> future = new CompletableFuture<>();
    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    Request(Queue queue, int tag, BlockOp op, long offset, ByteBuffer buffer) {
        this.queue = queue;
        this.tag = tag;
        this.op = op;
        this.offset = offset;
        this.buffer = buffer;
        this.length = buffer == null ? 0 : buffer.remaining();
        this.submitter = Thread.currentThread();
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

    int tag() {
        return tag;
    }

    Thread submitter() {
        return submitter;
    }

    CompletableFuture<Void> future() {
        return future;
    }

    /** @return true while the submitter's call of the handler has not returned */
    boolean inHandler() {
        return ((int) STATE.getVolatile(this) & RETURNED) == 0;
    }

    /** @return true once the completion that counts happened */
    boolean completed() {
        return ((int) STATE.getVolatile(this) & COMPLETED) != 0;
    }

    /**
     * Completes the request unless it was completed already.
     *
     * @param errno   null for success
     * @param byQueue true when the queue completes it (an abort, a handler that threw)
     * @return true for the one call that completed it
     */
    boolean finish(Errno errno, String reason, boolean byQueue) {
        int before = (int) STATE.getAndBitwiseOr(this, COMPLETED);
        if ((before & COMPLETED) != 0) {
            if (!byQueue) {
                queue.ignoredCompletion(this, errno);
            }
            return false;
        }
        queue.completed(this, errno == null, (before & RETURNED) != 0);
        if (errno == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(new DriverModelException(errno, queue.name(), op + " at " + offset + ": " + reason));
        }
        return true;
    }

    /**
     * Withdraws a request that was never admitted (its submitter found the queue dying just after
     * taking the tag): marks it completed and returned without counting anything, unless the
     * kill's abort completed it first (counted as failed and aborted, its future failed with EIO:
     * then it was admitted after all, and its submitter returns it).
     *
     * @return true if withdrawn; false if the kill completed it first
     */
    boolean withdraw() {
        return ((int) STATE.getAndBitwiseOr(this, COMPLETED | RETURNED) & COMPLETED) == 0;
    }

    /**
     * The handler call returned. Once the request is completed no one but this call can free its
     * tag (a later completion finds COMPLETED set and changes nothing), so the common case, a
     * driver that completed inline, needs no atomic read-modify-write: a release store marks it.
     *
     * @return true if the request was completed already (the tag is free to go)
     */
    boolean returned() {
        if (((int) STATE.getVolatile(this) & COMPLETED) != 0) {
            STATE.setRelease(this, COMPLETED | RETURNED); // a racing late completion ORs in what is set already
            return true;
        }
        return ((int) STATE.getAndBitwiseOr(this, RETURNED) & COMPLETED) != 0;
    }

    @Override
    public String toString() {
        return op + " " + offset + "+" + length + " on " + queue.name();
    }
}
