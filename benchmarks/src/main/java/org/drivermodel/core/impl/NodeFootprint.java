package org.drivermodel.core.impl;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.IntStream;

import javax.management.ObjectName;

/**
 * Memory per device node (docs/design.md §8, issue #7): the heap a plugged and bound device costs, as
 * the difference of the live heap before and after plugging N devices (default 100k), divided
 * by N, each side in a fresh state, after full collections. The same for the Felix service
 * registry baseline ({@link FelixRegistryBaseline}: a registered, tracked service per device),
 * in the same process. Then the live-object histogram difference per device, largest first:
 * the profile that says where the bytes go.
 *
 * <p>Run: {@code java -XX:+UseSerialGC -Xmx2g -cp benchmarks/target/benchmarks.jar
 * org.drivermodel.core.impl.NodeFootprint [devices]} (the serial collector makes "live heap after
 * a full collection" exact). The device names and property maps exist before the first
 * measurement, so neither side is charged for them; what a side allocates per device and
 * keeps (its node, its registration, its copy of the properties) is charged to it. Prints
 * lines of the form {@code FOOTPRINT side=... devices=... bytes_per_device=...}.
 */
public final class NodeFootprint {

    private NodeFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String[] names = IntStream.range(0, n).mapToObj(i -> "1d6b:0104." + i).toArray(String[]::new);
        Map<String, String> properties = Map.of("idVendor", "1d6b", "idProduct", "0104");

        // core: a fresh model with its bus and driver is the zero; then n devices, all bound
        CoreHotplug core = new CoreHotplug();
        Map<String, long[]> before = histogram();
        long zero = liveHeap();
        core.plug(names, properties);
        long full = liveHeap();
        Map<String, long[]> after = histogram();
        report("drivermodel", n, full - zero, before, after);
        core.verifyAndClose(n); // checks all n bound; the model is garbage from here
        core = null;

        FelixRegistryBaseline felix = new FelixRegistryBaseline();
        before = histogram();
        zero = liveHeap();
        if (felix.plug(names, properties) != n) {
            throw new IllegalStateException("the Felix baseline did not probe all " + n + " devices");
        }
        full = liveHeap();
        after = histogram();
        report("felix-service-registry", n, full - zero, before, after);
        // no unplug, no framework stop: at 100k devices either takes a minute (the registry's
        // per-bundle arrays); the measurement is done
        System.exit(0);
    }

    private static void report(String side, int n, long bytes, Map<String, long[]> before, Map<String, long[]> after) {
        System.out.printf(Locale.ROOT, "FOOTPRINT side=%s devices=%d bytes_per_device=%.0f%n", side, n, (double) bytes / n);
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = { e.getValue()[0] - b[0], e.getValue()[1] - b[1] };
            if (d[1] >= n / 2) { // at least half a byte per device
                grown.add(Map.entry(e.getKey(), d));
            }
        }
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        System.out.printf(Locale.ROOT, "  %-70s %10s %10s%n", "class (" + side + ")", "objs/dev", "bytes/dev");
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(25, grown.size()))) {
            System.out.printf(Locale.ROOT, "  %-70s %10.2f %10.1f%n", e.getKey(), (double) e.getValue()[0] / n,
                    (double) e.getValue()[1] / n);
        }
    }

    /** @return bytes of live objects: used heap after full collections, once it stops shrinking */
    private static long liveHeap() {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= last) {
                return used;
            }
            last = used;
        }
        return last;
    }

    /** @return class name to {instances, bytes} of live objects (the JVM's GC.class_histogram) */
    private static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] { new String[0] }, new String[] { String[].class.getName() });
        Map<String, long[]> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                out.put(f[3], new long[] { Long.parseLong(f[1]), Long.parseLong(f[2]) });
            }
        }
        return out;
    }
}
