package org.drivermodel.core.impl;

import java.util.Map;

import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceClass;

/** The {@link DeviceClass} handle of a registered class: a view of its {@link Subsystem} through {@link Hotplug}. */
final class ClassHandle implements DeviceClass {
    private final Hotplug binder;
    private final Subsystem subsystem;

    ClassHandle(Hotplug binder, Subsystem subsystem) {
        this.binder = binder;
        this.subsystem = subsystem;
    }

    @Override
    public String name() {
        return subsystem.name();
    }

    @Override
    public Device addDevice(String name, Map<String, String> properties, Device parent) {
        return binder.addClassDevice(subsystem, name, properties == null ? Map.of() : properties, parent);
    }

    @Override
    public void removeDevice(String name) {
        binder.removeDevice(subsystem, name);
    }

    @Override
    public void close() {
        binder.retire(subsystem);
    }

    @Override
    public String toString() {
        return "/class/" + subsystem.name();
    }
}
