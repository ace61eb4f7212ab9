package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Binding semantics of the device model, without OSGi. */
@Timeout(30)
class DeviceModelTest {
    private final TestLog log = new TestLog();
    private final DeviceModel model = new DeviceModel(log.logger);
    private final FakeBus bus = new FakeBus("fake");
    private final BusHandle ctx = model.attachBus(bus, 1);
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        try {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "test threads did not end");
        } finally {
            ModelTeardown.close(model);
        }
    }


    @Test
    void addedDeviceIsBoundToTheFirstMatchingDriverBeforeAddReturns() {
        FakeDriver a = new FakeDriver("a");
        FakeDriver b = new FakeDriver("b");
        model.addDriver(a.info("fake", "x"), a);
        model.addDriver(b.info("fake", "y", "z"), b);
        Device d = ctx.addDevice("d1", Map.of("id", "z"));
        assertEquals(DeviceState.BOUND, d.state());
        assertEquals(Optional.of("b"), d.driver());
        assertEquals(List.of(), a.calls);
        assertEquals(List.of("probe d1"), b.calls);
    }

    @Test
    void removedDeviceIsUnboundBeforeRemoveReturnsAndLookupGivesEnoent() {
        FakeDriver a = new FakeDriver("a");
        model.addDriver(a.info("fake", "x"), a);
        Device d = ctx.addDevice("d1", Map.of("id", "x"));
        ctx.removeDevice("d1");
        assertEquals(List.of("probe d1", "remove d1"), a.calls);
        assertEquals(DeviceState.REMOVED, d.state());
        assertErrno(Errno.ENOENT, () -> model.device("/devices/fake/d1"));
        assertErrno(Errno.ENOENT, () -> ctx.removeDevice("d1"));
        assertErrno(Errno.ENOENT, () -> ctx.removeDevice(null)); // a bus's bad name: not found, no crash
        assertEquals(List.of(), model.devices());
    }

    @Test
    void driverRemovalUnbindsItsDevicesAndItsReturnRebindsThem() {
        FakeDriver a = new FakeDriver("a");
        DriverEntry entry = model.addDriver(a.info("fake", "x"), a);
        Device d1 = ctx.addDevice("d1", Map.of("id", "x"));
        Device d2 = ctx.addDevice("d2", Map.of("id", "x"));
        model.removeDriver(entry);
        assertEquals(List.of("probe d1", "probe d2", "remove d1", "remove d2"), a.calls);
        assertEquals(DeviceState.UNBOUND, d1.state());
        assertEquals(DeviceState.UNBOUND, d2.state());

        FakeDriver again = new FakeDriver("a");
        model.addDriver(again.info("fake", "x"), again);
        assertEquals(List.of("probe d1", "probe d2"), again.calls);
        assertEquals(Optional.of("a"), d1.driver());
    }

    @Test
    void failedProbeLeavesTheDeviceUnboundAndTriesTheNextDriver() {
        FakeDriver refusing = new FakeDriver("refusing") {
            @Override
            void onProbe(BoundDevice device) throws Exception {
                refused(device);
                throw new Exception("no thanks");
            }
        };
        FakeDriver b = new FakeDriver("b");
        model.addDriver(refusing.info("fake", "x"), refusing);
        model.addDriver(b.info("fake", "x"), b);
        Device d = ctx.addDevice("d1", Map.of("id", "x"));
        assertEquals(Optional.of("b"), d.driver());
        assertTrue(log.contains("warn", "probe of driver fake/refusing failed"), log.lines.toString());
        ctx.removeDevice("d1");
        assertEquals(List.of("probe d1"), refusing.calls, "no remove after a failed probe");
    }

    @Test
    void busDetachRemovesEveryDeviceNewestFirstAndKillsTheContext() {
        FakeDriver a = new FakeDriver("a");
        model.addDriver(a.info("fake", "x"), a);
        ctx.addDevice("d1", Map.of("id", "x"));
        ctx.addDevice("d2", Map.of("id", "x"));
        model.detachBus(ctx);
        assertEquals(List.of("probe d1", "probe d2", "remove d2", "remove d1"), a.calls);
        assertEquals(List.of(), model.buses());
        assertErrno(Errno.ENODEV, () -> ctx.addDevice("d3", Map.of("id", "x")));
        assertErrno(Errno.ENODEV, () -> ctx.removeDevice("d1"));
        assertEquals(List.of("fake"), model.drivers().stream().map(i -> i.bus()).toList(), "drivers wait for the bus");
    }

    @Test
    void badNamesAreRefusedAndChangeNothing() {
        ctx.addDevice("d1", Map.of());
        assertErrno(Errno.EEXIST, () -> ctx.addDevice("d1", Map.of()));
        assertErrno(Errno.EINVAL, () -> ctx.addDevice("", Map.of()));
        assertErrno(Errno.EINVAL, () -> ctx.addDevice("..", Map.of()));
        assertErrno(Errno.EINVAL, () -> ctx.addDevice("a/b", Map.of()));
        assertErrno(Errno.EINVAL, () -> ctx.addDevice("a\nb", Map.of()));
        assertErrno(Errno.EINVAL, () -> ctx.addDevice(null, Map.of()));
        assertErrno(Errno.ENAMETOOLONG, () -> ctx.addDevice("x".repeat(256), Map.of()));
        assertErrno(Errno.EEXIST, () -> model.attachBus(new FakeBus("fake"), 2));
        assertErrno(Errno.EINVAL, () -> model.attachBus(new FakeBus("Bad Name"), 2));
        FakeDriver a = new FakeDriver("a");
        model.addDriver(a.info("fake"), a);
        assertErrno(Errno.EEXIST, () -> model.addDriver(a.info("fake"), a));
        assertErrno(Errno.EINVAL, () -> model.addDriver(new FakeDriver("a/b").info("fake"), a));
        assertEquals(List.of("/devices/fake/d1"), model.devices().stream().map(Device::path).toList());
        assertEquals(1, model.drivers().size());
    }

    @Test
    void lookupAcceptsEveryPathFormAndRefusesMalformedOnes() {
        Device d = ctx.addDevice("d1", Map.of());
        assertEquals(d, model.device("/devices/fake/d1"));
        assertEquals(d, model.device("/bus/fake/devices/d1"));
        assertEquals(d, model.device("fake/d1"));
        assertErrno(Errno.EINVAL, () -> model.device("/devices/fake/d1/"));
        assertErrno(Errno.EINVAL, () -> model.device("/devices//fake/d1"));
        assertErrno(Errno.EINVAL, () -> model.device("/devices/fake/../fake/d1"));
        assertErrno(Errno.EINVAL, () -> model.device(" "));
        assertErrno(Errno.ENOENT, () -> model.device("d1"));
        assertErrno(Errno.ENOENT, () -> model.device("/devices/other/d1"));
        assertErrno(Errno.ENOENT, () -> model.device("/devices/fake"));
        assertErrno(Errno.ENOENT, () -> model.device("/devices/fake/d1/d2"));
        assertErrno(Errno.ENAMETOOLONG, () -> model.device("/devices/fake/" + "x".repeat(4100)));
    }

    @Test
    void driverRemovalWaitsForAProbeInProgressAndThenUnbindsIt() throws Exception {
        CountDownLatch inProbe = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FakeDriver slow = new FakeDriver("slow") {
            @Override
            void onProbe(BoundDevice device) throws Exception {
                inProbe.countDown();
                assertTrue(release.await(10, TimeUnit.SECONDS));
            }
        };
        DriverEntry entry = model.addDriver(slow.info("fake", "x"), slow);
        Future<Device> adding = pool.submit(() -> ctx.addDevice("d1", Map.of("id", "x")));
        assertTrue(inProbe.await(10, TimeUnit.SECONDS));
        CompletableFuture<Thread> remover = new CompletableFuture<>();
        Future<?> removing = pool.submit(() -> {
            remover.complete(Thread.currentThread());
            model.removeDriver(entry);
        });
        // removal waits for the device lock, which the probe holds (seen in the lock's wait, not
        // guessed from a pause: a removal that had not started yet would prove nothing)
        LockWaits.awaitWaitingForDeviceLock(remover.get(10, TimeUnit.SECONDS), Duration.ofSeconds(10));
        assertFalse(removing.isDone(), "removal cannot finish while the probe holds the device lock");
        release.countDown();
        Device d = adding.get(10, TimeUnit.SECONDS);
        removing.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("probe d1", "remove d1"), slow.calls);
        assertEquals(DeviceState.UNBOUND, d.state());
        assertEquals(0, slow.violations.get());
    }

    /**
     * Plug and unplug from two threads while a driver comes and goes from a third: after
     * every removal of the driver returns, no device is bound to it and it is never called
     * again until it is registered anew; it never sees a remove without a probe.
     */
    @Test
    void concurrentHotplugAndDriverChurnNeverLeaveADeviceBoundToARemovedDriver() throws Exception {
        int rounds = 300;
        CyclicBarrier start = new CyclicBarrier(3);
        List<Future<?>> plugger = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int thread = t;
            plugger.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                for (int i = 0; i < rounds; i++) {
                    String name = "t" + thread + "-" + i;
                    ctx.addDevice(name, Map.of("id", "x"));
                    if (i % 3 != 0) {
                        ctx.removeDevice(name);
                    }
                }
                return null;
            }));
        }
        List<FakeDriver> generations = new ArrayList<>();
        start.await(10, TimeUnit.SECONDS);
        for (int g = 0; g < rounds / 3; g++) {
            FakeDriver drv = new FakeDriver("churn");
            generations.add(drv);
            DriverEntry entry = model.addDriver(drv.info("fake", "x"), drv);
            model.removeDriver(entry);
            drv.gone = true;
            assertEquals(0, drv.bound.size(), "generation " + g + " left devices bound: " + drv.bound);
        }
        for (Future<?> f : plugger) {
            f.get(20, TimeUnit.SECONDS);
        }
        for (FakeDriver drv : generations) {
            assertEquals(0, drv.violations.get(), "a driver generation was called wrongly: " + drv.calls);
        }
        for (Device d : model.devices()) {
            assertEquals(DeviceState.UNBOUND, d.state(), d.path());
        }
        assertEquals(2 * ((rounds + 2) / 3), model.devices().size());
    }

    /**
     * No core lock is held while a driver runs: from inside a probe, another thread can query
     * the model, attach a bus, register a driver on it, add and remove devices. (Only the
     * probed device's own lock is held, as Linux holds its device_lock.)
     */
    @Test
    void noCoreLockIsHeldWhileADriverProbes() throws Exception {
        FakeDriver other = new FakeDriver("other");
        FakeDriver probing = new FakeDriver("probing") {
            @Override
            void onProbe(BoundDevice device) throws Exception {
                Future<?> f = pool.submit(() -> {
                    model.devices();
                    model.drivers();
                    BusHandle side = model.attachBus(new FakeBus("side"), 2);
                    model.addDriver(other.info("side", "y"), other);
                    side.addDevice("side", Map.of("id", "y"));
                    side.removeDevice("side");
                    return null;
                });
                f.get(10, TimeUnit.SECONDS);
            }
        };
        model.addDriver(probing.info("fake", "x"), probing);
        Device d = ctx.addDevice("d1", Map.of("id", "x"));
        assertEquals(DeviceState.BOUND, d.state());
        assertEquals(List.of("probe side", "remove side"), other.calls);
    }

    @Test
    void aThrowingBusMatchIsContainedAndLogged() {
        FakeBus bad = new FakeBus("bad") {
            @Override
            public boolean match(Device device, org.drivermodel.api.DriverInfo driver) {
                throw new IllegalStateException("bus bug");
            }
        };
        BusHandle badCtx = model.attachBus(bad, 3);
        FakeDriver a = new FakeDriver("a");
        model.addDriver(a.info("bad", "x"), a);
        Device d = badCtx.addDevice("d1", Map.of("id", "x"));
        assertEquals(DeviceState.UNBOUND, d.state());
        assertTrue(log.contains("error", "match of /devices/bad/d1"), log.lines.toString());
    }
}
