package org.drivermodel.core.impl;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Hotplug in-process (docs/design.md §8, issue #7): how long it takes to plug N devices, each probed by
 * a matching driver before its add returns, and to unplug them again, each unbound (its
 * driver's remove called) and removed; N = 1k, 10k, 100k. One shot per iteration: the state
 * is rebuilt before each.
 * <ul>
 * <li>{@code core_plug}, {@code core_unplug}: the driver core ({@link CoreHotplug}: {@link DeviceModel}), a bus
 * whose devices carry two properties and two default attributes (as vbus's {@code idVendor}
 * and {@code idProduct}) and one driver matching every device, whose probe and remove do
 * nothing; no OSGi framework, and a logger that drops everything (the per-device lines are
 * debug lines, as in Linux).</li>
 * <li>{@code felix_plug}, {@code felix_unplug}: what a user would otherwise pick, the Device
 * Access style ({@link FelixRegistryBaseline}): each device an OSGi service registered in an
 * embedded Felix, tracked by a {@code ServiceTracker} whose {@code addingService} gets the
 * service (the "probe") and whose {@code removedService} ungets it.</li>
 * </ul>
 * Devices per second is N divided by the shot's time; {@code benchmarks/suite_tables.py}
 * turns the JSON into the table of RESULTS.md (rates, core/Felix ratios, and the per-device
 * cost at 100k over that at 1k, the flatness target).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = { "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch" })
public class HotplugBenchmark {

    /** The devices to plug, named and described before any timing. */
    @State(Scope.Benchmark)
    public static class Devices {
        @Param({ "1000", "10000", "100000" })
        public int devices;

        String[] names;
        Map<String, String> properties = Map.of("idVendor", "1d6b", "idProduct", "0104");

        @Setup(Level.Trial)
        public void name() {
            names = new String[devices];
            for (int i = 0; i < devices; i++) {
                names[i] = "1d6b:0104." + i;
            }
        }
    }

    /**
     * Warms both sides up before any shot, so a shot of 1k devices runs compiled code as one of
     * 100k does (a single shot of 1k cold devices measures the interpreter): plug and unplug
     * rounds in throw-away instances. Felix gets smaller rounds, its per-device cost growing
     * with the count.
     *
     * <p>Then many small rounds in one instance: tiered compilation counts calls, and a few long
     * rounds compile the shot's loop only on the stack (OSR), so the first tens of 1k shots ran
     * the loop's methods half compiled, three times slower than the rest of their fork, and made
     * the 1k end of the flatness figure vary 3x across forks.
     */
    @State(Scope.Benchmark)
    public static class WarmUp {
        /** Plug and unplug rounds; {@code -Dbench.warmup.rounds=N} (benchmarks/run --quick uses 1). */
        static final int ROUNDS = Integer.getInteger("bench.warmup.rounds", 10);
        /** Small rounds (of {@link #SMALL} devices) for each long one: C2 compiles a method called 600 times or more. */
        static final int SMALL_ROUNDS = 100 * ROUNDS;
        static final int SMALL = 100;

        @Setup(Level.Trial)
        public void warm(Devices d, BenchmarkParams params) throws Exception {
            boolean felix = params.getBenchmark().contains("felix_");
            String[] names = Arrays.copyOf(WARM_NAMES, felix ? 2_000 : 20_000);
            for (int round = 0; round < ROUNDS; round++) {
                HotplugSide side = felix ? new FelixRegistryBaseline() : new CoreHotplug();
                side.plug(names, d.properties);
                side.unplug(names);
                side.verifyAndClose(names.length);
            }
            String[] few = Arrays.copyOf(WARM_NAMES, SMALL);
            HotplugSide side = felix ? new FelixRegistryBaseline() : new CoreHotplug();
            for (int round = 0; round < SMALL_ROUNDS; round++) {
                side.plug(few, d.properties);
                side.unplug(few);
            }
            side.verifyAndClose(SMALL_ROUNDS * SMALL);
        }

        private static final String[] WARM_NAMES = IntStream.range(0, 20_000)
                .mapToObj(i -> "warm." + i).toArray(String[]::new);
    }

    /** A fresh core with the bus and the driver, and, for unplug, the devices plugged. */
    @State(Scope.Thread)
    public static class Core {
        CoreHotplug core;

        @Setup(Level.Iteration)
        public void start(Devices d, BenchmarkParams params) {
            core = new CoreHotplug();
            if (params.getBenchmark().endsWith("unplug")) {
                core.plug(d.names, d.properties);
            }
        }

        @TearDown(Level.Iteration)
        public void stop(Devices d) {
            core.verifyAndClose(d.devices);
        }
    }

    /**
     * A fresh Felix with the tracker open, and, for unplug, the devices registered. After the
     * fork's last shot at 100k devices the framework is left as it is (the fork ends): stopping
     * a framework that holds 100k tracked registrations ungets and unregisters each, which takes
     * as long as the unplug shot itself.
     */
    @State(Scope.Thread)
    public static class Felix {
        FelixRegistryBaseline felix;
        private int shots; /* iterations done in this fork */

        @Setup(Level.Iteration)
        public void start(Devices d, BenchmarkParams params) throws Exception {
            felix = new FelixRegistryBaseline();
            if (params.getBenchmark().endsWith("unplug")) {
                felix.plug(d.names, d.properties);
            }
        }

        @TearDown(Level.Iteration)
        public void stop(Devices d, BenchmarkParams params) throws Exception {
            boolean last = ++shots == params.getWarmup().getCount() + params.getMeasurement().getCount();
            felix.verify(d.devices);
            if (!last || d.devices < 100_000) {
                felix.close();
            }
        }
    }

    @Benchmark
    public int core_plug(Devices d, Core c, WarmUp w) {
        return c.core.plug(d.names, d.properties);
    }

    @Benchmark
    public int core_unplug(Devices d, Core c, WarmUp w) {
        return c.core.unplug(d.names);
    }

    @Benchmark
    public int felix_plug(Devices d, Felix f, WarmUp w) {
        return f.felix.plug(d.names, d.properties);
    }

    @Benchmark
    public int felix_unplug(Devices d, Felix f, WarmUp w) {
        return f.felix.unplug(d.names);
    }
}
