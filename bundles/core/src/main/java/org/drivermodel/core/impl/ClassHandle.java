package org.drivermodel.core.impl;

import java.util.Map;

import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceClass;

/** The {@link DeviceClass} handle of a registered class: a view of its {@link Subsystem}. */
final class ClassHandle implements DeviceClass {
    private final DeviceModel model;
    private final Subsystem subsystem;

    ClassHandle(DeviceModel model, Subsystem subsystem) {
        this.model = model;
        this.subsystem = subsystem;
    }

    @Override
    public String name() {
        return subsystem.name();
    }

    @Override
    public Device addDevice(String name, Map<String, String> properties, Device parent) {
        return model.addClassDevice(subsystem, name, properties == null ? Map.of() : properties, parent);
    }

    @Override
    public void removeDevice(String name) {
        model.removeDevice(subsystem, name);
    }

    @Override
    public void close() {
        model.unregisterClass(subsystem);
    }

    @Override
    public String toString() {
        return "/class/" + subsystem.name();
    }
}
