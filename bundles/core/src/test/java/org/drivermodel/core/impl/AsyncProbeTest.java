package org.drivermodel.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.api.DriverInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Asynchronous probe (Linux {@code PROBE_PREFER_ASYNCHRONOUS}): the adding thread does not wait
 * for a slow probe, {@code awaitProbes} does, and the binding rules are those of a synchronous
 * probe — a removal waits out a running probe, a dying driver or a removed device is never probed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncProbeTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private final TestLog log = new TestLog();
    private final DeviceModel model = new DeviceModel(log.logger);
    private final BusHandle bus = model.attachBus(new FakeBus("fake"), 1);
    private final CountDownLatch probing = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /** Probes asynchronously; its probe of device "slow" waits for the test. */
    private final FakeDriver driver = new FakeDriver("lazy") {
        @Override
        void onProbe(BoundDevice device) throws Exception {
            if (device.name().equals("slow")) {
                probing.countDown();
                assertTrue(release.await(LONG.toSeconds(), TimeUnit.SECONDS));
            }
        }
    };

    private DriverInfo asyncInfo() {
        return new DriverInfo("lazy", "fake", 7, Map.of("ids", List.of("x"), DriverBinding.ASYNC_PROBE, true));
    }

    @AfterEach
    void stop() {
        release.countDown();
        ModelTeardown.close(model);
    }

    @Test
    void aDeviceAddedForAnAsyncDriverIsProbedOffTheAddingThread() throws Exception {
        model.addDriver(asyncInfo(), driver);
        Device slow = bus.addDevice("slow", Map.of("id", "x")); // returns while the probe waits
        assertTrue(probing.await(LONG.toSeconds(), TimeUnit.SECONDS));
        assertEquals(DeviceState.PROBING, slow.state());
        assertFalse(model.awaitProbes(Duration.ofMillis(20)), "a probe is still running");

        release.countDown();
        assertTrue(model.awaitProbes(LONG));
        assertEquals(DeviceState.BOUND, slow.state());
        assertEquals(Optional.of("lazy"), slow.driver());
        assertEquals(0, driver.violations.get());
    }

    @Test
    void anAsyncDriverBindsTheDevicesWaitingForIt() {
        Device a = bus.addDevice("a", Map.of("id", "x"));
        Device b = bus.addDevice("b", Map.of("id", "x"));
        model.addDriver(asyncInfo(), driver);
        assertTrue(model.awaitProbes(LONG));
        assertEquals(DeviceState.BOUND, a.state());
        assertEquals(DeviceState.BOUND, b.state());
    }

    @Test
    void removingTheDeviceWaitsOutARunningProbeThenUnbinds() throws Exception {
        model.addDriver(asyncInfo(), driver);
        Device slow = bus.addDevice("slow", Map.of("id", "x"));
        assertTrue(probing.await(LONG.toSeconds(), TimeUnit.SECONDS));
        Thread remover = new Thread(() -> bus.removeDevice("slow"), "remover");
        remover.start();
        awaitQueuedForDeviceLock(slow, remover);
        assertTrue(remover.isAlive(), "the removal waits for the probe holding the device lock");
        release.countDown();
        remover.join(LONG.toMillis());
        assertFalse(remover.isAlive());
        assertEquals(List.of("probe slow", "remove slow"), driver.calls);
        assertEquals(0, driver.violations.get());
    }

    @Test
    void removingTheDriverWaitsOutARunningProbeAndUnbindsIt() throws Exception {
        DriverEntry entry = model.addDriver(asyncInfo(), driver);
        Device slow = bus.addDevice("slow", Map.of("id", "x"));
        assertTrue(probing.await(LONG.toSeconds(), TimeUnit.SECONDS));
        Thread unregister = new Thread(() -> {
            model.removeDriver(entry);
            driver.gone = true; // from here any call into the driver is a violation
        }, "unregister");
        unregister.start();
        awaitQueuedForDeviceLock(slow, unregister);
        release.countDown();
        unregister.join(LONG.toMillis());
        assertFalse(unregister.isAlive());
        assertTrue(model.awaitProbes(LONG));
        assertEquals(DeviceState.UNBOUND, slow.state());
        assertEquals(List.of("probe slow", "remove slow"), driver.calls);
        assertEquals(0, driver.violations.get());
    }

    @Test
    void afterTheDriverIsUnregisteredNoneOfItsAsyncProbesRunsOrStaysBound() throws Exception {
        // one device held in its probe keeps a probe thread busy; more devices are queued or
        // probed meanwhile: whichever, nothing may be probed after, or left bound by, the removal
        DriverEntry entry = model.addDriver(asyncInfo(), driver);
        bus.addDevice("slow", Map.of("id", "x"));
        assertTrue(probing.await(LONG.toSeconds(), TimeUnit.SECONDS));
        for (int i = 0; i < 8; i++) {
            bus.addDevice("d" + i, Map.of("id", "x"));
        }
        Thread unregister = new Thread(() -> {
            model.removeDriver(entry);
            driver.gone = true;
        }, "unregister");
        unregister.start();
        release.countDown();
        unregister.join(LONG.toMillis());
        assertFalse(unregister.isAlive());
        assertTrue(model.awaitProbes(LONG));
        assertEquals(0, driver.violations.get(), "no probe after the driver was unregistered");
        assertTrue(driver.bound.isEmpty(), "nothing left bound: " + driver.bound);
        for (Device d : model.devices()) {
            assertEquals(DeviceState.UNBOUND, d.state(), d.path());
        }
    }

    @Test
    void aSynchronousDriverStillBindsBeforeAddDeviceReturns() {
        FakeDriver sync = new FakeDriver("eager");
        model.addDriver(sync.info("fake", "y"), sync);
        Device d = bus.addDevice("now", Map.of("id", "y"));
        assertEquals(DeviceState.BOUND, d.state());
        assertTrue(model.awaitProbes(Duration.ZERO));
    }

    /** Waits until the thread waits for the device's lock, which the running probe holds, failing at the deadline. */
    private static void awaitQueuedForDeviceLock(Device device, Thread t) throws InterruptedException {
        assertTrue(((DeviceNode) device).holder() != null, "the device lock is held");
        LockWaits.awaitWaitingForDeviceLock(t, LONG);
    }
}
