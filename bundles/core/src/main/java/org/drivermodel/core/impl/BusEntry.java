package org.drivermodel.core.impl;

import java.util.LinkedHashMap;
import java.util.Map;

import org.drivermodel.api.Bus;
import org.drivermodel.api.BusContext;
import org.drivermodel.api.Device;

/**
 * What the core keeps of an attached bus; it is also the {@link BusContext} the bus holds.
 *
 * <p>Concurrency: {@link #state} and {@link #devices} are guarded by the model lock of the
 * {@link DeviceModel} that owns this entry; see there.
 */
final class BusEntry implements BusContext {
    /** Lifecycle of a bus attachment. */
    enum State {
        /** Attached: devices may be added. */
        LIVE,
        /** Its service is unregistering: its devices are being removed, none may be added. */
        DYING,
        /** Detached: the context is dead. */
        GONE
    }

    private final DeviceModel model;
    private final Bus bus;
    private final String name;
    private final long bundleId;

    State state = State.LIVE; /* guarded by model.lock */
    volatile boolean autoprobe = true; /* Linux drivers_autoprobe; a plain flag, read without locks */
    final Map<String, DeviceNode> devices = new LinkedHashMap<>(); /* guarded by model.lock; in add order */

    BusEntry(DeviceModel model, Bus bus, String name, long bundleId) {
        this.model = model;
        this.bus = bus;
        this.name = name;
        this.bundleId = bundleId;
    }

    DeviceModel model() {
        return model;
    }

    Bus bus() {
        return bus;
    }

    String name() {
        return name;
    }

    long bundleId() {
        return bundleId;
    }

    String path() {
        return "/devices/" + name;
    }

    @Override
    public Device addDevice(String deviceName, Map<String, String> properties, Device parent) {
        return model.addDevice(this, deviceName, properties == null ? Map.of() : properties, parent);
    }

    @Override
    public void removeDevice(String deviceName) {
        model.removeDevice(this, deviceName);
    }

    @Override
    public String toString() {
        return path();
    }
}
