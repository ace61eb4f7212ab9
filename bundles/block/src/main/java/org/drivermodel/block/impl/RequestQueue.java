package org.drivermodel.block.impl;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.drivermodel.block.BlockOp;
import org.drivermodel.block.DiskStats;
import org.drivermodel.block.RequestHandler;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.ActiveGate;
import org.drivermodel.lifetime.DrainReport;

/**
 * A disk's request queue that can drain and kill itself (Linux {@code blk_mark_disk_dead},
 * {@code blk_mq_freeze_queue}, then failing what is left), so that every driver gets
 * "disconnect now" for free.
 *
 * <h2>Concurrency</h2>
 * <ul>
 * <li>Back-pressure: {@link #slots} holds one permit per free place in the queue; a submitter
 * takes one before its request exists and the request's completion gives it back. A kill
 * releases a flood of permits so that every blocked submitter wakes, sees the queue not live
 * and fails with ENODEV.</li>
 * <li>Calls into the driver's handler run inside the {@link #gate} (the allocation-free token
 * form); a kill shuts it first, so once {@link #kill} has drained it no handler call is running
 * or can start.</li>
 * <li>Requests submitted and not completed are in {@link #outstanding}. Completion is a CAS on
 * the request ({@link Request#finish}), so the kill can complete the leftovers itself while a
 * late driver completion races with it: exactly one of them counts.</li>
 * <li>{@link #state} moves forward by CAS; the kill waits for {@link #outstanding} to empty on
 * {@link #drained}'s monitor, which the last completion notifies. No lock is held while calling
 * the handler or completing a future.</li>
 * </ul>
 */
final class RequestQueue {
    /** Permits released by a kill to wake every blocked submitter. */
    private static final int WAKE_ALL = Integer.MAX_VALUE / 2;

    private final String name;
    private final ActiveGate gate;
    private final Semaphore slots;
    private final Consumer<String> report; /* where problems are reported (the log) */
    private final AtomicReference<QueueState> state = new AtomicReference<>(QueueState.LIVE);
    private volatile RequestHandler handler; /* dropped when dead: a dead queue pins no driver code */
    private final Set<Request> outstanding = ConcurrentHashMap.newKeySet();
    private final Object drained = new Object(); /* monitor: notified when a completion empties a dying queue */

    private final LongAdder submitted = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder aborted = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();

    RequestQueue(String name, int depth, RequestHandler handler, Consumer<String> report) {
        this.name = name;
        this.gate = new ActiveGate(name);
        this.slots = new Semaphore(depth);
        this.handler = handler;
        this.report = report;
    }

    String name() {
        return name;
    }

    QueueState state() {
        return state.get();
    }

    /**
     * Submits a request (validated by the caller). Blocks while the queue is full.
     *
     * @return the request's completion
     * @throws DriverModelException ENODEV if the queue is not live; EINTR if interrupted while
     *         waiting for a slot
     */
    CompletableFuture<Void> submit(BlockOp op, long offset, ByteBuffer buffer) {
        acquireSlot();
        long token;
        try {
            token = gate.enterToken();
        } catch (DriverModelException dying) {
            slots.release();
            throw gone();
        }
        Request r = new Request(this, op, offset, buffer);
        try {
            outstanding.add(r);
            submitted.increment();
            try {
                handler.handle(r);
            } catch (Exception | LinkageError e) {
                handlerFailures.increment();
                report.accept(name + ": the driver's handler threw on " + r + ": " + e);
                r.finish(Errno.EIO, "the driver's handler threw " + e, true);
            }
        } finally {
            gate.exit(token);
        }
        return r.future();
    }

    private void acquireSlot() {
        if (state.get() != QueueState.LIVE) {
            throw gone();
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverModelException(Errno.EINTR, name, "interrupted while waiting for a queue slot");
        }
        if (state.get() != QueueState.LIVE) {
            slots.release();
            throw gone();
        }
    }

    private DriverModelException gone() {
        return new DriverModelException(Errno.ENODEV, name, state.get() == QueueState.DEAD ? "disk was removed" : "disk is being removed");
    }

    /** A request's one counted completion. */
    void completed(Request r, boolean ok) {
        (ok ? succeeded : failed).increment();
        outstanding.remove(r);
        slots.release();
        if (state.get() != QueueState.LIVE && outstanding.isEmpty()) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** A completion after the first: ignored and reported. */
    void ignoredCompletion(Request r, Errno errno) {
        ignored.increment();
        report.accept(name + ": " + r + " completed again (" + (errno == null ? "success" : errno.name())
                + "): ignored; it was completed already");
    }

    /**
     * Kills the queue: new submissions fail with ENODEV from now on; waits for the handler calls
     * in progress and then for the outstanding requests, both within {@code deadline}; completes
     * the requests still outstanding with EIO; drops the driver's handler. Idempotent: a second
     * kill waits as the first did.
     *
     * @return what happened
     */
    KillReport kill(Duration deadline) {
        long start = System.nanoTime();
        if (state.compareAndSet(QueueState.LIVE, QueueState.DYING)) {
            slots.release(WAKE_ALL);
        }
        RequestHandler h = handler;
        DrainReport calls = gate.kill(deadline, h == null ? null : h.getClass().getClassLoader());
        long budget = deadline.toNanos() - (System.nanoTime() - start);
        synchronized (drained) {
            boolean interrupted = false;
            while (!outstanding.isEmpty() && budget > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, budget);
                } catch (InterruptedException e) {
                    interrupted = true; // a half-done removal is worse than a late one
                }
                budget = deadline.toNanos() - (System.nanoTime() - start);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        int abortedNow = 0;
        for (Request r : List.copyOf(outstanding)) {
            if (r.finish(Errno.EIO, "aborted: the disk was removed before the driver completed it", true)) {
                aborted.increment();
                abortedNow++;
            }
        }
        state.set(QueueState.DEAD);
        handler = null;
        return new KillReport(name, calls, abortedNow, Duration.ofNanos(System.nanoTime() - start));
    }

    DiskStats stats() {
        long s = submitted.sum();
        long ok = succeeded.sum();
        long bad = failed.sum();
        return new DiskStats(s, ok, bad, s - ok - bad, aborted.sum(), ignored.sum(), handlerFailures.sum());
    }

    /** @return requests submitted and not completed now */
    int inFlight() {
        return outstanding.size();
    }
}
