package org.drivermodel.block.impl;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.drivermodel.block.BlockOp;
import org.drivermodel.block.DiskStats;
import org.drivermodel.block.RequestHandler;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.primitives.Deadline;
import org.drivermodel.lifetime.primitives.OwnerFrames;

/**
 * A disk's request queue that can drain and kill itself (Linux {@code blk_mark_disk_dead},
 * {@code blk_mq_freeze_queue}, then failing what is left), so that every driver gets
 * "disconnect now" for free.
 *
 * <h2>Design: tags (Linux blk-mq)</h2>
 * The queue has {@code depth} tags, an array of slots. A request holds a tag from submission
 * until it is both completed and out of the driver's handler ({@link Request}'s two bits); so the
 * tags are at once the back-pressure (a submitter takes a free tag or waits for one) and the
 * lifetime tracking (a kill waits until every tag is free). That is all the protection costs per
 * request: one CAS to take a tag (an unprotected queue's semaphore takes one too), a release
 * store to free it, an atomic OR when the handler returns, and two reads of the state.
 *
 * <h2>Concurrency</h2>
 * <ul>
 * <li><b>Increment, then check</b> (as {@link org.drivermodel.lifetime.primitives.ActiveGate}): a submitter
 * CASes its request into a free tag, then reads {@link #state}; a kill writes {@code DYING}, then
 * scans the tags. Both are volatile, so a submitter that read {@code LIVE} is seen by the scan,
 * and one that read {@code DYING} frees its tag and fails with ENODEV without calling the driver.
 * A scan that finds every tag free therefore proves that no request is outstanding and no thread
 * is inside the handler, and none can enter again.</li>
 * <li>A submitter starts looking at a slot of its own (a hash of its thread id), so threads
 * rarely touch the same tags.</li>
 * <li>Waiting belongs to submitters of a full queue and to the kill: both register in a queue of
 * waiters that frees wake; because a free is a release store, not a full fence, a wake-up can be
 * missed, so both also park with a bound ({@link #MAX_PARK_NANOS}).</li>
 * <li>Past the kill's deadline the queue completes what is still outstanding with EIO itself
 * (a CAS on the request, so a late driver completion is ignored and counted) and names the
 * threads still inside the handler with their driver frame. Their tags are freed when they
 * return.</li>
 * <li>No lock is held anywhere; no thread waits on the per-request path of a queue that is not
 * full.</li>
 * <li>The one window left: a submitter that took its tag while live but had not yet called the
 * handler when a kill passed its deadline finds its request aborted and skips the call; one that
 * was already calling it is named in the kill's report as inside the handler.</li>
 * </ul>
 */
final class RequestQueue implements Request.Queue {
    /** Longest park of a waiting submitter or killer: frees wake them; this bounds a missed wake-up. */
    static final long MAX_PARK_NANOS = 1_000_000L;

    private final String name;
    private final int depth;
    private final AtomicReferenceArray<Request> tags; /* tag i: the request holding it, or null */
    private final Consumer<String> report; /* where problems are reported (the log) */
    private final AtomicReference<QueueState> state = new AtomicReference<>(QueueState.LIVE); /* moves forward only: CAS to DYING, set to DEAD by the kill */
    private volatile RequestHandler handler; /* dropped when dead: a dead queue pins no driver code */
    private final ConcurrentLinkedQueue<Thread> waiters = new ConcurrentLinkedQueue<>(); /* submitters waiting for a tag, and killers */

    // counters: thread-safe adders, read together only by stats()
    private final LongAdder submitted = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder aborted = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();
    private final LongAdder tagWaits = new LongAdder(); /* times a submitter found every tag taken and waited */

    RequestQueue(String name, int depth, RequestHandler handler, Consumer<String> report) {
        this.name = name;
        this.depth = depth;
        this.tags = new AtomicReferenceArray<>(depth);
        this.handler = handler;
        this.report = report;
    }

    @Override
    public String name() {
        return name;
    }

    QueueState state() {
        return state.get();
    }

    /**
     * Submits a request (validated by the caller). Waits while every tag is taken.
     *
     * @return the request's completion
     * @throws DriverModelException ENODEV if the queue is not live; EINTR if interrupted while
     *         waiting for a tag
     */
    CompletableFuture<Void> submit(BlockOp op, long offset, ByteBuffer buffer) {
        Request r = takeTag(op, offset, buffer);
        submitted.increment();
        RequestHandler h = handler; // null once a kill past its deadline dropped it (it aborted r then)
        try {
            if (h != null && !r.completed()) { // completed already: aborted by a kill past its deadline
                h.handle(r);
            }
        } catch (Throwable t) { // contained: the request fails, the submitter goes on
            handlerFailures.increment();
            String what = describe(t);
            r.finish(Errno.EIO, "the driver's handler threw " + what, true); // first: nothing below may skip it
            report.accept(name + ": the driver's handler threw on " + r + ": " + what);
            if (t instanceof VirtualMachineError e) {
                throw e;
            }
        } finally {
            if (r.returned()) {
                free(r);
            }
        }
        return r.future();
    }

    /** @return the driver's exception as text, even if its own toString() throws */
    private static String describe(Throwable t) {
        try {
            return String.valueOf(t);
        } catch (RuntimeException | LinkageError e) {
            return t.getClass().getName() + " (its toString() threw " + e.getClass().getName() + ")";
        }
    }

    /** Takes a free tag for a new request: the admission, with its state check after the CAS. */
    private Request takeTag(BlockOp op, long offset, ByteBuffer buffer) {
        // the thread's own starting slot: a 32-bit hash of its id scaled to [0, depth) by a
        // multiply and shift (no division on the per-request path)
        long hash = (Thread.currentThread().getId() * 0x9E3779B97F4A7C15L) >>> 32;
        int start = (int) ((hash * depth) >>> 32);
        for (;;) {
            if (state.get() != QueueState.LIVE) {
                throw gone();
            }
            for (int k = 0, i = start; k < depth; k++, i = i + 1 == depth ? 0 : i + 1) {
                if (tags.getPlain(i) == null) {
                    Request r = new Request(this, i, op, offset, buffer);
                    if (tags.compareAndSet(i, null, r)) {
                        if (state.get() != QueueState.LIVE && r.withdraw()) { // the kill's scan may have missed us: back out
                            tags.set(i, null);
                            wake();
                            throw gone();
                        }
                        // admitted: the queue was live, or the kill's abort completed the request
                        // first (counted as failed and aborted), so submit counts it submitted too
                        // and returns its failed future (a back-out here once counted a completion
                        // of a request never submitted: succeeded + failed = submitted + 1)
                        return r;
                    }
                }
            }
            awaitFreeTag();
        }
    }

    /** Parks until a tag may be free (bounded). Context: the queue looked full. */
    private void awaitFreeTag() {
        Thread me = Thread.currentThread();
        waiters.add(me);
        tagWaits.increment();
        try {
            if (!anyFree() && state.get() == QueueState.LIVE) {
                LockSupport.parkNanos(this, MAX_PARK_NANOS);
            }
        } finally {
            waiters.remove(me);
        }
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new DriverModelException(Errno.EINTR, name, "interrupted while waiting for a queue slot");
        }
    }

    private boolean anyFree() {
        for (int i = 0; i < depth; i++) {
            if (tags.get(i) == null) {
                return true;
            }
        }
        return false;
    }

    private DriverModelException gone() {
        return new DriverModelException(Errno.ENODEV, name, state.get() == QueueState.DEAD ? "disk was removed" : "disk is being removed");
    }

    /** A request's one counted completion; frees its tag if its handler call returned already. */
    @Override
    public void completed(Request r, boolean ok, boolean handlerReturned) {
        (ok ? succeeded : failed).increment();
        if (handlerReturned) {
            free(r);
        }
    }

    /** Frees a request's tag and wakes whoever may be waiting for one. */
    private void free(Request r) {
        tags.setRelease(r.tag(), null);
        if (!waiters.isEmpty()) {
            wake();
        }
    }

    private void wake() {
        for (Thread t : waiters) {
            LockSupport.unpark(t);
        }
    }

    /** A completion after the first: ignored and reported. */
    @Override
    public void ignoredCompletion(Request r, Errno errno) {
        ignored.increment();
        report.accept(name + ": " + r + " completed again (" + (errno == null ? "success" : errno.name())
                + "): ignored; it was completed already");
    }

    /**
     * Kills the queue: new submissions fail with ENODEV from now on; waits, within
     * {@code deadline}, until every tag is free (no request outstanding, no thread inside the
     * handler); then completes the requests still outstanding with EIO, names the threads still
     * inside the handler, and drops the driver's handler. Idempotent.
     *
     * @return what happened
     */
    KillReport kill(Duration deadline) {
        long start = System.nanoTime();
        long budget = Deadline.nanos(deadline);
        state.compareAndSet(QueueState.LIVE, QueueState.DYING);
        wake(); // submitters waiting for a tag: they see DYING and fail
        Thread me = Thread.currentThread();
        waiters.add(me);
        try {
            long park = 10_000L;
            while (!allFree()) {
                long left = budget - (System.nanoTime() - start);
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, Math.min(park, left));
                park = Math.min(park << 1, MAX_PARK_NANOS);
                Thread.interrupted(); // a half-done removal is worse than a late one (restored below)
            }
        } finally {
            waiters.remove(me);
        }
        RequestHandler h = handler;
        OwnerFrames frames = h == null ? null : new OwnerFrames(h.getClass().getClassLoader());
        List<String> inside = new ArrayList<>();
        int abortedNow = 0;
        for (int i = 0; i < depth; i++) {
            Request r = tags.get(i);
            if (r == null) {
                continue;
            }
            if (r.inHandler()) {
                Thread t = r.submitter();
                List<StackTraceElement> stack = Arrays.asList(t.getStackTrace());
                inside.add("\"" + t.getName() + "\" inside the handler"
                        + (frames == null ? "" : frames.firstIn(stack).map(f -> " at " + f).orElse("")));
            }
            if (r.finish(Errno.EIO, "aborted: the disk was removed before the driver completed it", true)) {
                aborted.increment();
                abortedNow++;
            }
        }
        state.set(QueueState.DEAD);
        handler = null;
        return new KillReport(name, inside, abortedNow, Duration.ofNanos(System.nanoTime() - start));
    }

    private boolean allFree() {
        for (int i = 0; i < depth; i++) {
            if (tags.get(i) != null) {
                return false;
            }
        }
        return true;
    }

    DiskStats stats() {
        // completions first: read after them, submissions are never fewer (in flight never negative)
        long ok = succeeded.sum();
        long bad = failed.sum();
        long s = submitted.sum();
        return new DiskStats(s, ok, bad, Math.max(0, s - ok - bad), aborted.sum(), ignored.sum(), handlerFailures.sum());
    }

    /**
     * @return how many times a submitter found every tag taken and waited for one (each bounded
     *         park counts once): a full queue's back-pressure, as an observable count
     */
    long tagWaits() {
        return tagWaits.sum();
    }

    /** @return requests holding a tag now (submitted and not completed, or still in the handler) */
    int inFlight() {
        int n = 0;
        for (int i = 0; i < depth; i++) {
            if (tags.get(i) != null) {
                n++;
            }
        }
        return n;
    }
}
