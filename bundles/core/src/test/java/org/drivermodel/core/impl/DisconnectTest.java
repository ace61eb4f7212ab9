package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Disconnect-now actions of upper layers run after the attribute drain and before remove. */
@Timeout(30)
class DisconnectTest {
    private final TestLog log = new TestLog();
    private final DeviceModel model = new DeviceModel(log.logger);
    private final BusHandle bus = model.attachBus(new FakeBus("fake"), 1);
    private final List<String> order = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeModel() {
        ModelTeardown.close(model);
    }

    /** Registers two disconnects and a managed resource in probe; records remove. */
    private final class Layered extends FakeDriver {
        volatile boolean refuse;

        Layered() {
            super("layered");
        }

        @Override
        void onProbe(BoundDevice device) throws Exception {
            device.addDisconnect("queue", () -> order.add("disconnect queue"));
            device.addDisconnect("disk", () -> order.add("disconnect disk"));
            device.resources().add("memory", () -> order.add("release memory"));
            if (refuse) {
                throw new IllegalStateException("no");
            }
        }

        @Override
        public void remove(BoundDevice device) {
            super.remove(device);
            order.add("remove");
        }
    }

    @Test
    void anUnbindDisconnectsNewestFirstThenRemovesThenReleases() {
        Layered driver = new Layered();
        model.addDriver(driver.info("fake", "x"), driver);
        bus.addDevice("d", Map.of("id", "x"));
        bus.removeDevice("d");
        assertEquals(List.of("disconnect disk", "disconnect queue", "remove", "release memory"), order);
    }

    @Test
    void aFailedProbeDisconnectsWhatItRegistered() {
        Layered driver = new Layered();
        driver.refuse = true;
        model.addDriver(driver.info("fake", "x"), driver);
        bus.addDevice("d", Map.of("id", "x"));
        assertEquals(List.of("disconnect disk", "disconnect queue", "release memory"), order);
    }

    @Test
    void afterItsBindingEndedAHandleHasNothingToDisconnectFrom() {
        FakeDriver driver = new FakeDriver("plain");
        model.addDriver(driver.info("fake", "x"), driver);
        bus.addDevice("d", Map.of("id", "x"));
        BoundDevice handle = driver.handles.get("d");
        bus.removeDevice("d");
        assertErrno(Errno.ENODEV, () -> handle.addDisconnect("x", () -> { }));
    }
}
