package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.AttributeValues;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The device model's attribute tree: layout, driver attributes' lifetime, the core's files. */
@Timeout(60)
class DeviceAttributesTest {
    private final TestLog log = new TestLog();
    private final DeviceModel model = new DeviceModel(log.logger);
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


    private String read(String path) {
        try (AttributeFile f = model.open(path)) {
            return f.read();
        }
    }

    private void write(String path, String value) {
        try (AttributeFile f = model.open(path)) {
            f.write(value);
        }
    }

    /** A driver with a "level" attribute kept in its driver data. */
    static class LevelDriver extends FakeDriver {
        final List<String> events = new CopyOnWriteArrayList<>();

        LevelDriver(String name) {
            super(name);
        }

        @Override
        void onProbe(BoundDevice device) {
            device.setDriverData(new int[] {7});
        }

        @Override
        public void remove(BoundDevice device) {
            super.remove(device);
            events.add("remove");
        }

        @Override
        public List<AttributeGroup<BoundDevice>> deviceAttributes() {
            return List.of(AttributeGroup.of(Attribute.<BoundDevice>rw("level",
                    d -> d.driverData(int[].class)[0] + "\n",
                    (d, v, ctx) -> d.driverData(int[].class)[0] = (int) AttributeValues.parseUnsigned(v, ctx.path(), 0, 100))),
                    AttributeGroup.named("power", Attribute.<BoundDevice>ro("state", d -> "on\n")));
        }
    }

    @Test
    void theTreeIsLaidOutAsSysfs() {
        BusHandle ctx = model.attachBus(new FakeBus("fake"), 1);
        LevelDriver d = new LevelDriver("lvl");
        model.addDriver(d.info("fake", "x"), d);
        ctx.addDevice("d1", Map.of("id", "x"));
        assertEquals(List.of("bus", "class", "devices"), model.list("/"));
        assertEquals(List.of("devices", "drivers", "drivers_autoprobe"), model.list("/bus/fake"));
        assertEquals(List.of("d1"), model.list("/bus/fake/devices"));
        assertEquals(List.of("bind", "unbind"), model.list("/bus/fake/drivers/lvl"));
        assertEquals(List.of("driver", "driver_override", "level", "power", "uevent"), model.list("/devices/fake/d1"));
        assertEquals(List.of("bind", "unbind"), model.list("/devices/fake/d1/driver"));
        assertEquals("7\n", read("/bus/fake/devices/d1/level"));
        assertEquals("on\n", read("/devices/fake/d1/power/state"));
        assertEquals("(null)\n", read("/devices/fake/d1/driver_override"));
        assertEquals("1\n", read("/bus/fake/drivers_autoprobe"));
    }

    /** A bus with vbus's kind of default files: an unnamed group and a named one. */
    static final class FilesBus extends FakeBus {
        final List<AttributeGroup<Device>> groups;

        FilesBus(String name, List<AttributeGroup<Device>> groups) {
            super(name);
            this.groups = groups;
        }

        @Override
        public List<AttributeGroup<Device>> deviceAttributes() {
            return groups;
        }
    }

    @Test
    void aBussDefaultFilesAreEveryDevicesOwnAndOnlyNamedGroupsAreMadePerDevice() {
        AtomicInteger shows = new AtomicInteger();
        BusHandle ctx = model.attachBus(new FilesBus("fake", List.of(
                AttributeGroup.of(Attribute.<Device>ro("idVendor", dev -> {
                    shows.incrementAndGet();
                    return dev.property("id") + "\n";
                })),
                AttributeGroup.named("stats", Attribute.<Device>ro("count", dev -> "1\n")))), 1);
        LevelDriver d = new LevelDriver("lvl");
        model.addDriver(d.info("fake", "x", "y"), d);
        ctx.addDevice("d1", Map.of("id", "x"));
        ctx.addDevice("d2", Map.of("id", "y"));
        assertEquals(List.of("driver", "driver_override", "idVendor", "level", "power", "stats", "uevent"),
                model.list("/devices/fake/d1"));
        assertEquals("x\n", read("/devices/fake/d1/idVendor"));
        assertEquals("y\n", read("/bus/fake/devices/d2/idVendor"), "each device's file answers for its own device");
        assertEquals("1\n", read("/devices/fake/d2/stats/count"));
        assertEquals(0444, model.stat("/devices/fake/d2/idVendor").mode());
        assertErrno(Errno.EACCES, () -> model.open("/devices/fake/d1/idVendor", org.drivermodel.api.AccessMode.WRITE));

        AttributeFile held = model.open("/devices/fake/d1/idVendor");
        ctx.removeDevice("d1");
        assertErrno(Errno.ENODEV, held::read);
        held.close();
        assertErrno(Errno.ENOENT, () -> model.open("/devices/fake/d1/idVendor"));
        assertEquals(2, shows.get(), "no show after the removal");
        assertEquals("y\n", read("/devices/fake/d2/idVendor"), "the other device's file is untouched");
    }

    @Test
    void aBusFileNamedAsACoreFileIsRefusedAndTheDeviceIsNotAdded() {
        BusHandle ctx = model.attachBus(new FilesBus("fake", List.of(AttributeGroup.of(Attribute.<Device>ro("uevent", dev -> "")))), 1);
        assertErrno(Errno.EEXIST, () -> ctx.addDevice("d1", Map.of("id", "x")));
        assertEquals(List.of(), model.list("/bus/fake/devices"));
        assertErrno(Errno.ENOENT, () -> model.device("fake/d1"));
        BusHandle other = model.attachBus(new FilesBus("other", List.of(AttributeGroup.of(Attribute.<Device>ro("a", dev -> "")),
                AttributeGroup.of(Attribute.<Device>ro("a", dev -> "")))), 2);
        assertErrno(Errno.EEXIST, () -> other.addDevice("d1", Map.of()));
        assertEquals(List.of(), model.list("/bus/other/devices"));
    }

    @Test
    void aDriversAttributesAppearOnlyAfterProbeAndGoBeforeRemove() throws Exception {
        BusHandle ctx = model.attachBus(new FakeBus("fake"), 1);
        List<String> seenInProbe = new ArrayList<>();
        LevelDriver d = new LevelDriver("lvl") {
            @Override
            void onProbe(BoundDevice device) {
                super.onProbe(device);
                try {
                    model.open(device.path() + "/level").close();
                    seenInProbe.add("visible");
                } catch (DriverModelException e) {
                    seenInProbe.add(e.errno().name());
                }
            }

            @Override
            public void remove(BoundDevice device) {
                try {
                    model.open(device.path() + "/level").close();
                    events.add("level visible in remove");
                } catch (DriverModelException e) {
                    events.add("level " + e.errno() + " in remove");
                }
                super.remove(device);
            }
        };
        DriverEntry entry = model.addDriver(d.info("fake", "x"), d);
        ctx.addDevice("d1", Map.of("id", "x"));
        assertEquals(List.of("ENOENT"), seenInProbe);
        AttributeFile early = model.open("/devices/fake/d1/level");
        model.removeDriver(entry);
        assertEquals(List.of("level ENOENT in remove", "remove"), d.events);
        assertErrno(Errno.ENODEV, () -> early.read());
        assertErrno(Errno.ENODEV, () -> early.write("3"));
        early.close();
        assertEquals(List.of("driver_override", "uevent"), model.list("/devices/fake/d1"), "the device stays, unbound");
    }

    @Test
    void unbindWaitsForAShowInFlightBeforeCallingRemove() throws Exception {
        BusHandle ctx = model.attachBus(new FakeBus("fake"), 1);
        CountDownLatch inShow = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        LevelDriver d = new LevelDriver("lvl") {
            @Override
            public List<AttributeGroup<BoundDevice>> deviceAttributes() {
                return List.of(AttributeGroup.of(Attribute.<BoundDevice>ro("slow", dev -> {
                    inShow.countDown();
                    assertTrue(letGo.await(20, TimeUnit.SECONDS));
                    order.add("show returns");
                    return "x\n";
                })));
            }

            @Override
            public void remove(BoundDevice device) {
                order.add("remove");
                super.remove(device);
            }
        };
        model.addDriver(d.info("fake", "x"), d);
        ctx.addDevice("d1", Map.of("id", "x"));
        assertEquals(List.of("driver", "driver_override", "slow", "uevent"), model.list("/devices/fake/d1"));
        Future<String> reader = pool.submit(() -> read("/devices/fake/d1/slow"));
        assertTrue(inShow.await(20, TimeUnit.SECONDS));
        Future<?> unbinding = pool.submit(() -> model.unbind("fake", "lvl", "d1"));
        // the unbind has begun (UNBINDING: the device's files are being drained before remove) and
        // cannot get past the show in flight; seen in the device's state, not guessed from a pause
        Device dev = model.device("fake/d1");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (dev.state() != DeviceState.UNBINDING) {
            assertTrue(System.nanoTime() < end, "the unbind begins");
            assertFalse(unbinding.isDone(), "unbind must wait for the show in flight");
            Thread.sleep(1);
        }
        assertFalse(unbinding.isDone(), "unbind must wait for the show in flight");
        // the driver's files are claimed (gone for lookups) while the show drains; the driver link
        // went before them (Linux driver_sysfs_remove), so no reader sees it without them
        while (model.list("/devices/fake/d1").contains("slow")) {
            assertTrue(System.nanoTime() < end, "the unbind claims the driver's files");
            Thread.sleep(1);
        }
        assertEquals(List.of("driver_override", "uevent"), model.list("/devices/fake/d1"));
        assertFalse(unbinding.isDone(), "unbind must wait for the show in flight");
        assertEquals(List.of(), order);
        letGo.countDown();
        assertEquals("x\n", reader.get(20, TimeUnit.SECONDS));
        unbinding.get(20, TimeUnit.SECONDS);
        assertEquals(List.of("show returns", "remove"), order);
    }

    @Test
    void aHandleOpenedBeforeUnplugGivesEnodevAndANewOpenEnoent() {
        BusHandle ctx = model.attachBus(new FakeBus("fake"), 1);
        ctx.addDevice("d1", Map.of());
        AttributeFile f = model.open("/devices/fake/d1/driver_override");
        ctx.removeDevice("d1");
        assertErrno(Errno.ENODEV, () -> f.read());
        assertErrno(Errno.ENOENT, () -> model.open("/devices/fake/d1/driver_override"));
        assertErrno(Errno.ENOENT, () -> model.open("/bus/fake/devices/d1/driver_override"));
        f.close();
    }

    @Test
    void theCoresFilesAnswerAsLinuxDoesAndBadWritesChangeNothing() {
        BusHandle ctx = model.attachBus(new FakeBus("fake"), 1);
        LevelDriver d = new LevelDriver("lvl");
        model.addDriver(d.info("fake", "x"), d);
        Device dev = ctx.addDevice("d1", Map.of("id", "x"));

        write("/bus/fake/drivers/lvl/unbind", "d1\n");
        assertEquals(DeviceState.UNBOUND, dev.state());
        assertErrno(Errno.ENODEV, () -> write("/bus/fake/drivers/lvl/unbind", "d1"));
        write("/bus/fake/drivers/lvl/bind", "d1");
        assertEquals(DeviceState.BOUND, dev.state());
        assertErrno(Errno.EBUSY, () -> write("/bus/fake/drivers/lvl/bind", "d1"));
        assertErrno(Errno.ENODEV, () -> write("/bus/fake/drivers/lvl/bind", "nosuch"));   // as bind_store
        assertErrno(Errno.ENODEV, () -> write("/bus/fake/drivers/lvl/unbind", "nosuch")); // as unbind_store
        assertErrno(Errno.EACCES, () -> read("/bus/fake/drivers/lvl/bind"));

        assertErrno(Errno.EINVAL, () -> write("/devices/fake/d1/level", "101"));
        assertErrno(Errno.EINVAL, () -> write("/devices/fake/d1/level", "-1"));
        assertErrno(Errno.EINVAL, () -> write("/devices/fake/d1/level", "ten"));
        assertErrno(Errno.EINVAL, () -> write("/devices/fake/d1/level", ""));
        assertErrno(Errno.ERANGE, () -> write("/devices/fake/d1/level", "99999999999999999999"));
        assertErrno(Errno.EACCES, () -> write("/devices/fake/d1/power/state", "off"));
        assertEquals("7\n", read("/devices/fake/d1/level"));
        write("/devices/fake/d1/level", "42\n");
        assertEquals("42\n", read("/devices/fake/d1/level"));

        assertErrno(Errno.EINVAL, () -> write("/bus/fake/drivers_autoprobe", "2"));
        assertEquals("1\n", read("/bus/fake/drivers_autoprobe"));
        write("/bus/fake/drivers_autoprobe", "off\n");
        assertFalse(model.autoprobe("fake"));
        assertEquals("0\n", read("/bus/fake/drivers_autoprobe"));

        write("/devices/fake/d1/driver_override", "lvl\n");
        assertEquals("lvl\n", read("/devices/fake/d1/driver_override"));
        assertErrno(Errno.EINVAL, () -> write("/devices/fake/d1/driver_override", "a/b"));
        assertEquals("lvl\n", read("/devices/fake/d1/driver_override"));
    }

    @Test
    void aStoreMayRemoveItsOwnDeviceAndOfEightWritersExactlyOneDoes() throws Exception {
        AtomicInteger removals = new AtomicInteger();
        FakeBus bus = new FakeBus("fake") {
            @Override
            public List<AttributeGroup<Device>> deviceAttributes() {
                return List.of(AttributeGroup.of(Attribute.<Device>wo("remove", (d, v, ctx) -> {
                    if (!AttributeValues.parseBoolean(v, ctx.path())) {
                        throw new DriverModelException(Errno.EINVAL, ctx.path(), "write 1 to remove");
                    }
                    if (ctx.removeSelf(() -> context.removeDevice(d.name()))) {
                        removals.incrementAndGet();
                    }
                })));
            }
        };
        BusHandle ctx = model.attachBus(bus, 1);
        bus.attach(ctx);
        LevelDriver d = new LevelDriver("lvl");
        model.addDriver(d.info("fake", "x"), d);
        for (int round = 0; round < 10; round++) {
            Device dev = ctx.addDevice("d" + round, Map.of("id", "x"));
            String path = dev.path() + "/remove";
            List<AttributeFile> files = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                files.add(model.open(path));
            }
            CyclicBarrier start = new CyclicBarrier(8);
            List<Future<?>> writers = new ArrayList<>();
            for (AttributeFile f : files) {
                writers.add(pool.submit(() -> {
                    start.await(20, TimeUnit.SECONDS);
                    try {
                        f.write("1");
                    } catch (DriverModelException e) {
                        assertTrue(e.errno() == Errno.ENODEV, e.getMessage());
                    }
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                w.get(30, TimeUnit.SECONDS);
            }
            assertEquals(DeviceState.REMOVED, dev.state());
            assertEquals(round + 1, removals.get(), "exactly one writer removed d" + round);
            files.forEach(AttributeFile::close);
        }
        assertEquals(0, d.violations.get());
    }

    @Test
    void aRemovedDriverIsNotReachableFromTheModel() throws Exception {
        BusHandle ctx = model.attachBus(new FakeBus("fake"), 1);
        LevelDriver d = new LevelDriver("lvl");
        DriverEntry entry = model.addDriver(d.info("fake", "x"), d);
        ctx.addDevice("d1", Map.of("id", "x"));
        AttributeFile held = model.open("/devices/fake/d1/level");
        WeakReference<LevelDriver> ref = new WeakReference<>(d);
        model.removeDriver(entry);
        d = null;
        entry = null;
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(ref.get(), "the model, its tree or the open handle still reaches the removed driver");
        assertNotNull(held, "the handle is still held by the test");
        assertErrno(Errno.ENODEV, () -> held.read());
    }
}
