package org.drivermodel.core.impl;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
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

    private static final int ROUNDS = 3;

    private AllocationPerDevice() {
    }

    public static void main(String[] args) throws Exception {
        int[] counts = args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] { 1_000, 100_000 };
        Map<String, String> properties = Map.of("idVendor", "1d6b", "idProduct", "0104");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        long self = Thread.currentThread().getId();

        String[] warm = names(20_000);
        for (int round = 0; round < 10; round++) { // compiled code, as in HotplugBenchmark's warm-up
            CoreHotplug c = new CoreHotplug();
            c.plug(warm, properties);
            c.unplug(warm);
            c.verifyAndClose(warm.length);
        }
        for (int n : counts) {
            String[] names = names(n);
            long plug = 0;
            long unplug = 0;
            for (int round = 0; round < ROUNDS; round++) { // the last round is reported: all compiled by then
                CoreHotplug c = new CoreHotplug();
                long a = threads.getThreadAllocatedBytes(self);
                c.plug(names, properties);
                long b = threads.getThreadAllocatedBytes(self);
                c.unplug(names);
                long e = threads.getThreadAllocatedBytes(self);
                c.verifyAndClose(n);
                plug = b - a;
                unplug = e - b;
            }
            report("drivermodel", n, plug, unplug);
        }

        String[] names = names(1_000);
        for (int round = 0; round < ROUNDS + 2; round++) {
            FelixRegistryBaseline f = new FelixRegistryBaseline();
            long a = threads.getThreadAllocatedBytes(self);
            f.plug(names, properties);
            long b = threads.getThreadAllocatedBytes(self);
            f.unplug(names);
            long e = threads.getThreadAllocatedBytes(self);
            f.verifyAndClose(names.length);
            if (round == ROUNDS + 1) {
                report("felix-service-registry", names.length, b - a, e - b);
            }
        }
    }

    private static String[] names(int n) {
        return IntStream.range(0, n).mapToObj(i -> "1d6b:0104." + i).toArray(String[]::new);
    }

    private static void report(String side, int n, long plug, long unplug) {
        System.out.printf(Locale.ROOT, "ALLOC side=%s devices=%d plug=%.0f unplug=%.0f%n", side, n, (double) plug / n,
                (double) unplug / n);
    }
}
