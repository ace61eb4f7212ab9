package org.drivermodel.core.impl;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * Bytes allocated per device plugged and per device unplugged (issue #19): what a plug leaves
 * to the collector besides what it keeps (NodeFootprint), counted by the JVM's per-thread
 * allocation counter around the plug and around the unplug alone, after warm-up rounds; every
 * callback of both sides runs on the calling thread, so the counter sees all of it.
 *
 * <p>This is the counter JMH's {@code -prof gc} reads, but JMH reads it around the whole
 * iteration, setup and teardown included: a single-shot unplug's {@code gc.alloc.rate.norm}
 * counted the setup's plug of the same devices as well, and a plug's the teardown's removal.
 * Counting around the operation alone is what the figure means.
 *
 * <p>Run: {@code java -Xmx3g -cp benchmarks/target/benchmarks.jar
 * org.drivermodel.core.impl.AllocationPerDevice [devices ...]} (default 1000 and 100000 for the
 * core; the Felix baseline at 1000 only: its unplug of 100k devices takes a minute and a half).
 * Prints lines of the form {@code ALLOC side=... devices=... plug=... unplug=...} (bytes per device).
 */
public final class AllocationPerDevice {

    private static final int ROUNDS = 5;

    private AllocationPerDevice() {
    }

    public static void main(String[] args) throws Exception {
        int[] counts = args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] { 1_000, 100_000 };
        Map<String, String> properties = Map.of("idVendor", "1d6b", "idProduct", "0104");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        String[] warm = names(20_000);
        for (int round = 0; round < 10; round++) { // compiled code, as in HotplugBenchmark's warm-up
            CoreHotplug c = new CoreHotplug();
            c.plug(warm, properties);
            c.unplug(warm);
            c.verifyAndClose(warm.length);
        }
        for (int n : counts) {
            report("drivermodel", n, measure(CoreHotplug::new, names(n), properties, threads));
        }
        report("felix-service-registry", 1_000, measure(FelixRegistryBaseline::new, names(1_000), properties, threads));
    }

    /**
     * @return bytes this thread allocated in the plug and in the unplug of the last of
     *         {@link #ROUNDS} rounds, each round on a fresh side (the last is compiled code)
     */
    private static long[] measure(Callable<HotplugSide> fresh, String[] names, Map<String, String> properties,
            com.sun.management.ThreadMXBean threads) throws Exception {
        long self = Thread.currentThread().getId();
        long[] bytes = new long[2];
        for (int round = 0; round < ROUNDS; round++) {
            HotplugSide side = fresh.call();
            long a = threads.getThreadAllocatedBytes(self);
            side.plug(names, properties);
            long b = threads.getThreadAllocatedBytes(self);
            side.unplug(names);
            long e = threads.getThreadAllocatedBytes(self);
            side.verifyAndClose(names.length);
            bytes[0] = b - a;
            bytes[1] = e - b;
        }
        return bytes;
    }

    private static String[] names(int n) {
        return IntStream.range(0, n).mapToObj(i -> "1d6b:0104." + i).toArray(String[]::new);
    }

    private static void report(String side, int n, long[] bytes) {
        System.out.printf(Locale.ROOT, "ALLOC side=%s devices=%d plug=%.0f unplug=%.0f%n", side, n, (double) bytes[0] / n,
                (double) bytes[1] / n);
    }
}
