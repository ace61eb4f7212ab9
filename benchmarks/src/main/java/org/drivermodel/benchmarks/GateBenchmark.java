package org.drivermodel.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

import org.drivermodel.lifetime.primitives.ActiveGate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of the active gate on the per-call path ({@link ActiveGate#enter()} /
 * {@code Guard.close()}, the form the core's dispatch uses), against the alternatives an owner could use to count callers inside its code
 * (docs/design.md §8): nothing at all, a shared {@link AtomicInteger} incremented and decremented, a
 * {@link ReentrantReadWriteLock} read lock (kill would take the write lock), and a
 * {@link StampedLock} read lock. Each one guards the same critical section at 1 and at 2
 * threads; all of them run in one JMH run, so their ratios are comparable.
 *
 * <p><b>The critical section</b> is {@code Blackhole.consumeCPU(tokens)} with a few tokens
 * (a handful of nanoseconds). It stands for the short driver callback the gate protects on the
 * hot path (a sysfs {@code show} reading a field, an I/O entry point handing a request to a
 * queue): the smallest realistic body makes the protection's cost the largest fraction of the
 * call, which is the case the targets are about. {@code consumeCPU} is pure register
 * arithmetic: the JIT can neither remove it nor move it across the guard, and it touches no
 * memory, so any interference between the two threads comes from the protection alone (a
 * shared or per-thread field increment would add cache traffic of its own, or could be merged
 * by the compiler). Change it with {@code -p tokens=N}.
 *
 * <p><b>Threads.</b> Each variant is a pair of methods, {@code _1t} with {@code @Threads(1)}
 * and {@code _2t} with {@code @Threads(2)}, sharing one {@code Scope.Benchmark} state, so the
 * two threads contend on the very same counter, lock or gate. Throughput is the total over
 * the threads (ops/µs); average time is per operation of one thread (µs/op).
 */
@State(Scope.Benchmark)
@BenchmarkMode({ Mode.Throughput, Mode.AverageTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
// fixed heap: the gate allocates a guard per entry, so GC frequency must not vary between runs
@Fork(value = 3, jvmArgsAppend = { "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch" })
public class GateBenchmark {

    /** Work inside the critical section, in consumeCPU tokens (see the class comment). */
    @Param({ "4" })
    public int tokens;

    private final AtomicInteger counter = new AtomicInteger();
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private final Lock read = rw.readLock();
    private final StampedLock stamped = new StampedLock();
    private final ActiveGate gate = new ActiveGate("/devices/bench0");

    // ---- (a) unprotected baseline ------------------------------------------------------------

    @Benchmark
    @Threads(1)
    public void a_none_1t() {
        none();
    }

    @Benchmark
    @Threads(2)
    public void a_none_2t() {
        none();
    }

    private void none() {
        Blackhole.consumeCPU(tokens);
    }

    // ---- (b) AtomicInteger increment / decrement on a shared counter ------------------------

    @Benchmark
    @Threads(1)
    public void b_atomic_1t() {
        atomic();
    }

    @Benchmark
    @Threads(2)
    public void b_atomic_2t() {
        atomic();
    }

    private void atomic() {
        counter.incrementAndGet();
        try {
            Blackhole.consumeCPU(tokens);
        } finally {
            counter.decrementAndGet();
        }
    }

    // ---- (c) ReentrantReadWriteLock read lock -----------------------------------------------

    @Benchmark
    @Threads(1)
    public void c_rwlock_1t() {
        rwlock();
    }

    @Benchmark
    @Threads(2)
    public void c_rwlock_2t() {
        rwlock();
    }

    private void rwlock() {
        read.lock();
        try {
            Blackhole.consumeCPU(tokens);
        } finally {
            read.unlock();
        }
    }

    // ---- (d) StampedLock read lock ----------------------------------------------------------

    @Benchmark
    @Threads(1)
    public void d_stamped_1t() {
        stamped();
    }

    @Benchmark
    @Threads(2)
    public void d_stamped_2t() {
        stamped();
    }

    private void stamped() {
        long stamp = stamped.readLock();
        try {
            Blackhole.consumeCPU(tokens);
        } finally {
            stamped.unlockRead(stamp);
        }
    }

    // ---- (e) ActiveGate enter / close --------------------------------------------------------

    @Benchmark
    @Threads(1)
    public void e_gate_1t() {
        gate();
    }

    @Benchmark
    @Threads(2)
    public void e_gate_2t() {
        gate();
    }

    @SuppressWarnings("try") // the guard is only closed: that is the point
    private void gate() {
        try (ActiveGate.Guard g = gate.enter()) {
            Blackhole.consumeCPU(tokens);
        }
    }
}
