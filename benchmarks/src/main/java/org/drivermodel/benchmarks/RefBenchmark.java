package org.drivermodel.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.lifetime.primitives.Ref;
import org.drivermodel.lifetime.primitives.RefCounted;
import org.drivermodel.lifetime.primitives.RefTracking;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A reference get and put, three ways (docs/design.md §8, and Greg Kroah-Hartman's question in the seed:
 * why would {@code kobject_get} get heavier if each object pinned its owning module?):
 * <ul>
 * <li>{@code a_kref}: a bare reference count, an {@link AtomicInteger} incremented and
 * decremented: Linux's {@code kref_get}/{@code kref_put};</li>
 * <li>{@code b_ownerPinning}: the same, and every get also pins the owner (a bundle): a second
 * count, shared by every object of that owner, incremented and decremented too, as
 * {@code try_module_get}/{@code module_put} on each {@code kobject_get} would;</li>
 * <li>{@code c_tracked}: {@link RefCounted#get}/{@link Ref#put()} with holder records and no
 * stacks (the core's default);</li>
 * <li>{@code d_trackedStacks}: the same with {@link RefTracking#STACKS}, recording where each
 * reference was taken and first put (a debug mode, like {@code CONFIG_REF_TRACKER}).</li>
 * </ul>
 * At 2 threads the two threads take and put references to <em>different</em> objects of the
 * same owner (each has its own object state), which is where owner pinning bites: the owner's
 * count is one word both threads write.
 */
@BenchmarkMode({ Mode.Throughput, Mode.AverageTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = { "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch" })
public class RefBenchmark {

    /** The owner every object belongs to: one bundle. */
    @State(Scope.Benchmark)
    public static class Owner {
        final AtomicInteger pins = new AtomicInteger(1);
    }

    /** Each thread's own object. */
    @State(Scope.Thread)
    public static class Object {
        final AtomicInteger count = new AtomicInteger(1);
        RefCounted tracked;
        RefCounted trackedStacks;
        private Ref keepTracked;
        private Ref keepStacks;

        @Setup
        public void setUp() {
            tracked = new RefCounted("/devices/bench/obj", RefTracking.OFF, () -> { });
            trackedStacks = new RefCounted("/devices/bench/obj", RefTracking.STACKS, () -> { });
            keepTracked = tracked.get("registered"); // as the core's own reference keeps a device alive
            keepStacks = trackedStacks.get("registered");
        }
    }

    @Benchmark
    @Threads(1)
    public int a_kref_1t(Object o) {
        return kref(o);
    }

    @Benchmark
    @Threads(2)
    public int a_kref_2t(Object o) {
        return kref(o);
    }

    private static int kref(Object o) {
        o.count.incrementAndGet();
        return o.count.decrementAndGet();
    }

    @Benchmark
    @Threads(1)
    public int b_ownerPinning_1t(Object o, Owner owner) {
        return pinning(o, owner);
    }

    @Benchmark
    @Threads(2)
    public int b_ownerPinning_2t(Object o, Owner owner) {
        return pinning(o, owner);
    }

    private static int pinning(Object o, Owner owner) {
        owner.pins.incrementAndGet();
        o.count.incrementAndGet();
        o.count.decrementAndGet();
        return owner.pins.decrementAndGet();
    }

    @Benchmark
    @Threads(1)
    public Ref c_tracked_1t(Object o) {
        Ref r = o.tracked.get("bench");
        r.put();
        return r;
    }

    @Benchmark
    @Threads(2)
    public Ref c_tracked_2t(Object o) {
        Ref r = o.tracked.get("bench");
        r.put();
        return r;
    }

    @Benchmark
    @Threads(1)
    public Ref d_trackedStacks_1t(Object o) {
        Ref r = o.trackedStacks.get("bench");
        r.put();
        return r;
    }
}
