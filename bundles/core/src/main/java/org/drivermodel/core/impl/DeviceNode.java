package org.drivermodel.core.impl;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;

/**
 * A device node: core-owned, held by anyone, pinning no driver.
 *
 * <p>Concurrency: {@link #lock} is the device lock (Linux {@code device_lock}). It serialises
 * binding and unbinding of this device and is held across the driver's {@code probe} and
 * {@code remove}; it is the only lock held while driver code runs, and no other lock is
 * taken while holding it except a {@link DriverEntry}'s monitor, briefly. {@link #state} and
 * {@link #driver} are written under it and volatile so that queries read them without it.
 */
final class DeviceNode implements Device {
    private final BusEntry bus;
    private final String name;
    private final String path;
    private final Map<String, String> properties;

    /** The device lock: held across probe and remove of this device. */
    final ReentrantLock lock = new ReentrantLock();

    private volatile DeviceState state = DeviceState.UNBOUND; /* written under lock */
    private volatile DriverEntry driver; /* written under lock; set while PROBING, BOUND, UNBINDING */

    DeviceNode(BusEntry bus, String name, Map<String, String> properties) {
        this.bus = bus;
        this.name = name;
        this.path = "/devices/" + bus.name() + "/" + name;
        this.properties = Map.copyOf(properties);
    }

    BusEntry busEntry() {
        return bus;
    }

    DriverEntry driverEntry() {
        return driver;
    }

    /** Context: device lock held. */
    void setState(DeviceState state, DriverEntry driver) {
        assert lock.isHeldByCurrentThread();
        this.driver = driver;
        this.state = state;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String bus() {
        return bus.name();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public DeviceState state() {
        return state;
    }

    @Override
    public Optional<String> driver() {
        DriverEntry d = driver;
        return d == null || state != DeviceState.BOUND ? Optional.empty() : Optional.of(d.info().name());
    }

    @Override
    public String toString() {
        return path;
    }
}
