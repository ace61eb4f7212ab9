package org.drivermodel.driver.untrusted;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.testkit.HandOver;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/**
 * untrusted-executor ({@code b4d1:000e}): its probe starts a single-thread executor, submits one
 * task that returns at once (its worker's name, told as outcome {@code executor}), and leaves the
 * executor running: kept in a static list, never shut down — not in remove, not at deactivation.
 * The idle worker carries the driver's class loader as its context class loader (the probe ran
 * with it) and so keeps it. The executor is also handed to the test ({@link HandOver}, behaviour
 * {@code executor}), which may shut it down once it has seen what the core reported.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "untrusted-executor")
@VbusMatch("b4d1:000e")
public final class ExecutorDriver extends SteeredDriver {
    /** The executors it started: a static cache that outlives every binding (on purpose). */
    private static final List<ExecutorService> LEFT_RUNNING = new CopyOnWriteArrayList<>();

    @Override
    public void probe(BoundDevice device) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        LEFT_RUNNING.add(executor);
        String worker = executor.submit(() -> Thread.currentThread().getName()).get();
        Steering.handOver(handOver, "executor", device.path(), executor);
        Steering.outcome(hooks, "executor", device.path(), worker);
    }
}
