package org.drivermodel.block.impl;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.drivermodel.block.BlockOp;
import org.drivermodel.block.BlockRequest;
import org.drivermodel.block.DiskStats;
import org.drivermodel.block.RequestHandler;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the block layer's request queue with and without its lifetime protection
 * (docs/design.md §8; target: protected ≥ 0.9 × unprotected, at 1 and at 2 threads, in the same run).
 *
 * <p><b>Package.</b> {@link RequestQueue} and {@link Request} are package-private, so this class
 * lives in their package, {@code org.drivermodel.block.impl}, in the benchmarks module. That works because
 * the benchmark runs on the plain class path ({@code java -jar benchmarks/target/benchmarks.jar},
 * the block bundle's classes shaded into the same jar): a split package is only a problem
 * between OSGi bundles or JPMS modules, and none are involved here.
 *
 * <p><b>The driver</b> is a ramdisk that completes every request at once, inside its handler
 * ({@code request.complete()}), touching no data: the shortest realistic handler, so the
 * queue's own work, and the protection's share of it, is the largest fraction of a request.
 * Each submission is a 512-byte READ at offset 0 into a per-thread {@link ByteBuffer} that is
 * reused and never copied; the benchmark then checks that the returned future is complete (and
 * not failed) and hands it to JMH.
 *
 * <p><b>The variants.</b>
 * <ul>
 * <li>{@code protected_*}: {@link RequestQueue#submit} itself: blk-mq style tags, which are at
 * once its back-pressure and its lifetime tracking (a request holds a tag until it is completed
 * and out of the handler; a kill waits for every tag), plus the state checks around them.</li>
 * <li>{@code unprotected_*}: {@link UnprotectedQueue} below, the queue a driver model without
 * disconnect-now would write: back-pressure by a {@link Semaphore} permit taken before the
 * request exists and given back by its completion, and nothing to track. What both sides do, per
 * request: the block layer's own {@link Request} (the very class, not a copy, so a change to it is
 * measured on both sides; its constructor records the tag, unused by the baseline, and the
 * submitting thread, which only a kill reads), with its {@link CompletableFuture} and its
 * once-only completion bit (an atomic OR on an {@code int}: the request's own contract, "complete
 * it exactly once; a second completion is ignored and reported", holds whether or not a disk can
 * go away, and without it a double completion would give back two permits); the
 * {@link LongAdder} counters; the call of the very same handler instance inside the same catch
 * that fails the request if the handler throws; completing the future. What only the protected
 * side does: the tag's CAS and release store (instead of the semaphore's acquire and release),
 * the atomic OR marking the handler's return, and the two reads of the queue state.</li>
 * </ul>
 *
 * <p><b>Queue depth</b> is {@value #DEPTH}. With inline completion each thread holds at most
 * one permit or tag at a time, so no submitter ever waits: the semaphore costs its acquire and
 * release CASes on one shared word (contended at 2 threads); the tags, a CAS and a store on a
 * slot each thread starts looking at by a hash of its id (rarely shared).
 *
 * <p><b>Threads.</b> As in {@code GateBenchmark}: each variant is a pair of methods, {@code _1t}
 * with {@code @Threads(1)} and {@code _2t} with {@code @Threads(2)}, and both queues are in one
 * {@code Scope.Benchmark} state, so at 2 threads both threads submit to the very same queue.
 * Throughput is the total over the threads (ops/µs); average time is per request of one thread
 * (µs/op). The trial's tear-down checks that every request succeeded and none is left in
 * flight, then kills the protected queue and checks that the kill was clean.
 */
@State(Scope.Benchmark)
@BenchmarkMode({ Mode.Throughput, Mode.AverageTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
// fixed, pre-touched heap: every request allocates, so GC frequency must not vary between runs
@Fork(value = 3, jvmArgsAppend = { "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch" })
public class BlockQueueBenchmark {

    /** Queue depth of both queues (see the class comment: no submitter ever waits). */
    static final int DEPTH = 64;

    /** Bytes per request. */
    static final int REQUEST_BYTES = 512;

    /** The ramdisk-like driver: completes every request inline. One instance for both queues. */
    static final RequestHandler RAMDISK = BlockRequest::complete;

    private RequestQueue queue;
    private UnprotectedQueue plain;
    private volatile String problem; /* the first thing a queue reported: fails the trial */

    /** Each thread's request buffer: reused, never copied. */
    @State(Scope.Thread)
    public static class Buffer {
        final ByteBuffer buffer = ByteBuffer.allocate(REQUEST_BYTES);
    }

    @Setup(Level.Trial)
    public void setUp() {
        Consumer<String> report = message -> {
            if (problem == null) {
                problem = message;
            }
        };
        queue = new RequestQueue("bench0", DEPTH, RAMDISK, report);
        plain = new UnprotectedQueue("bench0", DEPTH, RAMDISK, report);
    }

    @TearDown(Level.Trial)
    public void check() {
        if (problem != null) {
            throw new IllegalStateException("a queue reported: " + problem);
        }
        DiskStats s = queue.stats();
        if (s.failed() != 0 || s.inFlight() != 0 || s.submitted() != s.succeeded() || queue.inFlight() != 0) {
            throw new IllegalStateException("protected queue: " + s + ", " + queue.inFlight() + " outstanding");
        }
        plain.check();
        KillReport k = queue.kill(Duration.ofSeconds(1));
        if (!k.clean()) {
            throw new IllegalStateException("protected queue: " + k);
        }
    }

    // ---- (a) RequestQueue: with the lifetime protection ---------------------------------------

    @Benchmark
    @Threads(1)
    public CompletableFuture<Void> protected_1t(Buffer b) {
        return done(queue.submit(BlockOp.READ, 0, b.buffer));
    }

    @Benchmark
    @Threads(2)
    public CompletableFuture<Void> protected_2t(Buffer b) {
        return done(queue.submit(BlockOp.READ, 0, b.buffer));
    }

    // ---- (b) the same queue without it ---------------------------------------------------------

    @Benchmark
    @Threads(1)
    public CompletableFuture<Void> unprotected_1t(Buffer b) {
        return done(plain.submit(BlockOp.READ, 0, b.buffer));
    }

    @Benchmark
    @Threads(2)
    public CompletableFuture<Void> unprotected_2t(Buffer b) {
        return done(plain.submit(BlockOp.READ, 0, b.buffer));
    }

    /** The handler completes inline: the future must be done, and successfully. */
    private static CompletableFuture<Void> done(CompletableFuture<Void> f) {
        if (!f.isDone()) {
            throw new IllegalStateException("the request was not completed inline");
        }
        f.join(); // throws if it failed
        return f;
    }

    // ---- the baseline ---------------------------------------------------------------------------

    /**
     * {@link RequestQueue} without the lifetime protection: a semaphore instead of tags, no
     * state checks, no kill. Everything else is the same code in the same order (see the class
     * comment of {@link BlockQueueBenchmark}).
     */
    private static final class UnprotectedQueue implements Request.Queue {
        private final String name;
        private final Semaphore slots;
        private final RequestHandler handler;
        private final Consumer<String> report;
        private final int depth;

        private final LongAdder submitted = new LongAdder();
        private final LongAdder succeeded = new LongAdder();
        private final LongAdder failed = new LongAdder();
        private final LongAdder ignored = new LongAdder();
        private final LongAdder handlerFailures = new LongAdder();

        UnprotectedQueue(String name, int depth, RequestHandler handler, Consumer<String> report) {
            this.name = name;
            this.depth = depth;
            this.slots = new Semaphore(depth);
            this.handler = handler;
            this.report = report;
        }

        @Override
        public String name() {
            return name;
        }

        CompletableFuture<Void> submit(BlockOp op, long offset, ByteBuffer buffer) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverModelException(Errno.EINTR, name, "interrupted while waiting for a queue slot");
            }
            Request r = new Request(this, 0, op, offset, buffer); // no tag: the semaphore is the back-pressure
            submitted.increment();
            try {
                handler.handle(r);
            } catch (Throwable e) {
                handlerFailures.increment();
                report.accept(name + ": the driver's handler threw on " + r + ": " + e);
                r.finish(Errno.EIO, "the driver's handler threw " + e, true);
                if (e instanceof VirtualMachineError v) {
                    throw v;
                }
            }
            return r.future();
        }

        @Override
        public void completed(Request r, boolean ok, boolean handlerReturned) {
            (ok ? succeeded : failed).increment();
            slots.release();
        }

        @Override
        public void ignoredCompletion(Request r, Errno errno) {
            ignored.increment();
            report.accept(name + ": " + r + " completed again (" + (errno == null ? "success" : errno.name())
                    + "): ignored; it was completed already");
        }

        void check() {
            long s = submitted.sum();
            if (failed.sum() != 0 || succeeded.sum() != s || ignored.sum() != 0 || handlerFailures.sum() != 0
                    || slots.availablePermits() != depth) {
                throw new IllegalStateException("unprotected queue: submitted " + s + ", succeeded " + succeeded.sum()
                        + ", failed " + failed.sum() + ", " + slots.availablePermits() + " of " + depth + " slots free");
            }
        }
    }
}
