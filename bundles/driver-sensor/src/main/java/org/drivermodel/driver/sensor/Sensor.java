package org.drivermodel.driver.sensor;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * One simulated thermal sensor: its last reading, in millidegrees Celsius (as Linux hwmon's
 * {@code temp1_input}), taken every {@code pollInterval} ms on the binding's timer thread.
 *
 * <p>Concurrency: the timer thread writes {@link #millidegrees} and {@link #samples}; any thread
 * reads them and may change {@link #intervalMs}, which the next poll picks up.
 */
final class Sensor {
    static final int MIN_INTERVAL_MS = 10;
    static final int MAX_INTERVAL_MS = 60_000;

    private final ScheduledExecutorService timer;
    private final Runnable changed; // announces a new reading (sysfs_notify of temp1_input)
    private volatile long intervalMs;
    private volatile long millidegrees = 40_000;
    private final AtomicLong samples = new AtomicLong();

    /**
     * @param changed called on the timer thread when the reading changes, so that readers
     *                waiting for a change of {@code temp1_input} wake
     */
    Sensor(ScheduledExecutorService timer, long intervalMs, Runnable changed) {
        this.timer = timer;
        this.intervalMs = intervalMs;
        this.changed = changed;
    }

    /** Starts polling. */
    void start() {
        timer.schedule(this::poll, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        long n = samples.incrementAndGet();
        long before = millidegrees;
        long now = 40_000 + Math.round(5_000 * Math.sin(n / 10.0)); // a slow, plausible wave
        millidegrees = now;
        timer.schedule(this::poll, intervalMs, TimeUnit.MILLISECONDS);
        if (now != before) {
            changed.run();
        }
    }

    long millidegrees() {
        return millidegrees;
    }

    long samples() {
        return samples.get();
    }

    long intervalMs() {
        return intervalMs;
    }

    /** @throws DriverModelException EINVAL outside {@value #MIN_INTERVAL_MS}..{@value #MAX_INTERVAL_MS} */
    void setIntervalMs(long ms, String object) {
        intervalMs = checkInterval(ms, object);
    }

    static long checkInterval(long ms, String object) {
        if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
            throw new DriverModelException(Errno.EINVAL, object, "poll interval " + ms + " ms is not "
                    + MIN_INTERVAL_MS + " to " + MAX_INTERVAL_MS);
        }
        return ms;
    }
}
