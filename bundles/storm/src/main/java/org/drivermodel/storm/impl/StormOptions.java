package org.drivermodel.storm.impl;

import java.util.Arrays;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * What {@code storm:run} was asked for: seed, number of events, I/O threads. Bad values are
 * refused with EINVAL and the usage, and start nothing.
 *
 * @param seed    the seed of the schedule
 * @param events  how many events
 * @param threads how many block I/O threads, and as many attribute threads
 */
record StormOptions(long seed, int events, int threads) {
    static final String COMMAND = "storm:run";
    static final String USAGE = "[-s seed] [-n events] [-t io-threads]";
    /** The CI run. */
    static final int DEFAULT_EVENTS = 2000;
    static final int DEFAULT_THREADS = 2;
    /** A bound that keeps a typo from running for days: the documented run is 10,000. */
    static final int MAX_EVENTS = 1_000_000;
    /** More threads than this only measure the scheduler of a small machine. */
    static final int MAX_THREADS = 16;

    /**
     * @param seed    a decimal long, or null or empty for a random seed (printed in the result line)
     * @param events  a decimal number of events, 1 to {@link #MAX_EVENTS}, or null or empty for the default
     * @param threads a decimal number of threads, 1 to {@link #MAX_THREADS}, or null or empty for the default
     * @param randomSeed the seed used when none is given
     * @return the options
     * @throws DriverModelException EINVAL naming the bad value, with the usage
     */
    static StormOptions parse(String seed, String events, String threads, long randomSeed) {
        long s = isEmpty(seed) ? randomSeed : number("seed", seed, Long.MIN_VALUE, Long.MAX_VALUE);
        int n = isEmpty(events) ? DEFAULT_EVENTS : (int) number("events", events, 1, MAX_EVENTS);
        int t = isEmpty(threads) ? DEFAULT_THREADS : (int) number("io-threads", threads, 1, MAX_THREADS);
        return new StormOptions(s, n, t);
    }

    /** @return the error for {@code storm:run} given arguments it does not take */
    static DriverModelException wrongArguments(String[] args) {
        int n = args == null ? 0 : args.length;
        return new DriverModelException(Errno.EINVAL, COMMAND, "usage: " + COMMAND + " " + USAGE + "; got " + n
                + " argument" + (n == 1 ? "" : "s") + (n == 0 ? "" : " " + DriverModelException.quote(Arrays.toString(args))));
    }

    /** @return the command that replays this run */
    String replay() {
        return COMMAND + " -s " + seed + " -n " + events + " -t " + threads;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static long number(String what, String text, long min, long max) {
        long v;
        try {
            v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new DriverModelException(Errno.EINVAL, COMMAND, what + " '" + DriverModelException.quote(text) + "'"
                    + " is not a decimal number; usage: " + COMMAND + " " + USAGE);
        }
        if (v < min || v > max) {
            throw new DriverModelException(Errno.EINVAL, COMMAND, what + " " + v + " out of range " + min + " to " + max
                    + "; usage: " + COMMAND + " " + USAGE);
        }
        return v;
    }
}
