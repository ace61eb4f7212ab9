package org.drivermodel.driver.sensor;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.AttributeValues;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.platform.PlatformMatch;
import org.osgi.service.component.annotations.Component;

/**
 * vthermal: drives the platform devices {@code compatible = drivermodel,virtual-thermal}, a
 * sensor polled on a timer. The device's optional property {@code poll.interval.ms} (10 to
 * 60000, default 1000) sets the first interval.
 *
 * <p>{@code probe} is the recipe again: allocate the timer and the sensor, start polling,
 * register the sensor as the device's data. The timer is tied to the binding with
 * {@link Device#addDisconnect}: when the binding ends it is stopped, and its thread has ended,
 * before any {@code remove} would run; so there is no {@code remove}, and no poll runs after the
 * unbind returned.
 *
 * <p>Attributes, as Linux hwmon: {@code temp1_input} (millidegrees Celsius), {@code samples}
 * (polls so far) and {@code poll_interval_ms} (read-write). When a poll changes the reading the
 * driver announces it ({@link BoundDevice#notifyChange}), so {@code attr:watch} on
 * {@code temp1_input} prints each new reading.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "platform", driver = "vthermal")
@PlatformMatch("drivermodel,virtual-thermal")
public final class ThermalDriver implements Driver {
    /** How long an unbind waits for a poll in progress to finish. */
    static final long STOP_TIMEOUT_SECONDS = 5;

    @Override
    public void probe(BoundDevice device) throws Exception {
        long interval = Sensor.checkInterval(initialInterval(device), device.path() + ": poll.interval.ms");
        AtomicReference<Thread> thread = new AtomicReference<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {   // alloc
            Thread t = new Thread(r, "vthermal-" + device.name());
            t.setDaemon(true);
            thread.set(t);
            return t;
        });
        device.addDisconnect("poll timer", () -> stop(timer, thread.get(), device.path()));
        Sensor sensor = new Sensor(timer, interval, () -> announce(device));
        sensor.start();                                                                     // init
        device.setDriverData(sensor);                                                       // register
    }

    /**
     * Announces a new reading of {@code temp1_input} (as a hwmon driver's {@code sysfs_notify}).
     * A poll racing the end of the binding gets ENODEV, harmless: nobody is left to tell.
     */
    private static void announce(BoundDevice device) {
        try {
            device.notifyChange("temp1_input");
        } catch (DriverModelException e) {
            if (e.errno() != Errno.ENODEV) {
                throw e;
            }
        }
    }

    private static long initialInterval(Device device) {
        String v = device.property("poll.interval.ms");
        if (v == null) {
            return 1000;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new DriverModelException(Errno.EINVAL, device.path() + ": poll.interval.ms",
                    "'" + DriverModelException.quote(v) + "' is not a whole number of milliseconds");
        }
    }

    /**
     * Stops the timer and waits for its thread to end: an executor is terminated while its last
     * thread is still on its way out, so awaiting the termination alone let the thread outlive
     * the unbind for a moment (a verdict that depended on scheduling under load).
     */
    private static void stop(ScheduledExecutorService timer, Thread thread, String path) throws InterruptedException {
        timer.shutdownNow();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_TIMEOUT_SECONDS);
        boolean ended = timer.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (ended && thread != null) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            ended = !thread.isAlive();
        }
        if (!ended) {
            throw new DriverModelException(Errno.ETIMEDOUT, path, "poll timer still running after " + STOP_TIMEOUT_SECONDS + " s");
        }
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        return List.of(AttributeGroup.of(
                Attribute.<BoundDevice>ro("temp1_input", d -> d.driverData(Sensor.class).millidegrees() + "\n"),
                Attribute.<BoundDevice>ro("samples", d -> d.driverData(Sensor.class).samples() + "\n"),
                Attribute.<BoundDevice>rw("poll_interval_ms",
                        d -> d.driverData(Sensor.class).intervalMs() + "\n",
                        (d, value, ctx) -> d.driverData(Sensor.class).setIntervalMs(
                                AttributeValues.parseUnsigned(value, ctx.path(), 0, Long.MAX_VALUE), ctx.path()))));
    }
}
