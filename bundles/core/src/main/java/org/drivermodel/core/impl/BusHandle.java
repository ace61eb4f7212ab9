package org.drivermodel.core.impl;

import java.util.Map;

import org.drivermodel.api.BusContext;
import org.drivermodel.api.Device;

/** The {@link BusContext} a bus holds: a view of its {@link Subsystem} through {@link Hotplug}. */
final class BusHandle implements BusContext {
    private final Hotplug binder;
    private final Subsystem subsystem;

    BusHandle(Hotplug binder, Subsystem subsystem) {
        this.binder = binder;
        this.subsystem = subsystem;
    }

    Subsystem subsystem() {
        return subsystem;
    }

    @Override
    public Device addDevice(String name, Map<String, String> properties, Device parent) {
        return binder.addDevice(subsystem, name, properties == null ? Map.of() : properties, parent);
    }

    @Override
    public void removeDevice(String name) {
        binder.removeDevice(subsystem, name);
    }

    @Override
    public String toString() {
        return subsystem.path();
    }
}
