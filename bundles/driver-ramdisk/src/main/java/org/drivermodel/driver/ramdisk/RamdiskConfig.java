package org.drivermodel.driver.ramdisk;

import java.util.Map;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The ramdisk's settings, from Configuration Admin PID {@value #PID} (a
 * {@code deploy/org.drivermodel.ramdisk.cfg} file in the distribution); they apply to disks
 * probed from then on.
 *
 * @param size       {@code size.bytes}: capacity, a multiple of the block size, up to 1 GiB; default 4 MiB
 * @param blockSize  {@code block.size}: 512 to 65536, a power of two; default 512
 * @param queueDepth {@code queue.depth}: 1 to 4096; default 32
 * @param latencyMicros {@code latency.us}: simulated latency, 0 (complete at once) to 1000000; default 0
 * @param readOnly   {@code read.only}: default false
 */
record RamdiskConfig(long size, int blockSize, int queueDepth, long latencyMicros, boolean readOnly) {
    static final String PID = "org.drivermodel.ramdisk";
    static final RamdiskConfig DEFAULTS = new RamdiskConfig(4L << 20, 512, 32, 0, false);
    private static final long MAX_SIZE = 1L << 30;

    /** @throws DriverModelException EINVAL naming the key and the value; nothing is applied */
    static RamdiskConfig from(Map<String, ?> p) {
        long size = number(p, "size.bytes", DEFAULTS.size(), 1, MAX_SIZE);
        long block = number(p, "block.size", DEFAULTS.blockSize(), 512, 65536);
        if (Long.bitCount(block) != 1) {
            throw invalid("block.size", block, "not a power of two");
        }
        if (size % block != 0) {
            throw invalid("size.bytes", size, "not a multiple of block.size " + block);
        }
        long depth = number(p, "queue.depth", DEFAULTS.queueDepth(), 1, 4096);
        long latency = number(p, "latency.us", DEFAULTS.latencyMicros(), 0, 1_000_000);
        Object ro = p.get("read.only");
        boolean readOnly;
        if (ro == null) {
            readOnly = DEFAULTS.readOnly();
        } else if (ro instanceof Boolean b) {
            readOnly = b;
        } else if ("true".equalsIgnoreCase(String.valueOf(ro).strip()) || "false".equalsIgnoreCase(String.valueOf(ro).strip())) {
            readOnly = Boolean.parseBoolean(String.valueOf(ro).strip());
        } else {
            throw invalid("read.only", ro, "expected true or false");
        }
        return new RamdiskConfig(size, (int) block, (int) depth, latency, readOnly);
    }

    private static long number(Map<String, ?> p, String key, long dflt, long min, long max) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        long n;
        if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            n = ((Number) v).longValue();
        } else if (v instanceof String s) {
            try {
                n = Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw invalid(key, v, "not a whole number");
            }
        } else {
            throw invalid(key, v, "not a whole number but a " + v.getClass().getSimpleName());
        }
        if (n < min || n > max) {
            throw invalid(key, v, "must be " + min + " to " + max);
        }
        return n;
    }

    private static DriverModelException invalid(String key, Object v, String why) {
        return new DriverModelException(Errno.EINVAL, "configuration " + PID + ": " + key,
                "'" + DriverModelException.quote(String.valueOf(v)) + "' " + why);
    }
}
