package org.drivermodel.shell.impl;

import org.apache.felix.service.command.Descriptor;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code driver:list}. */
@Component(service = DriverCommands.class, property = {
        "osgi.command.scope=driver",
        "osgi.command.function=list" })
public final class DriverCommands {

    @Reference
    private DriverCore core;

    /** @return every driver with its bus, bundle and bound devices */
    @Descriptor("list every driver: bus, name, bundle, bound devices")
    public String list() {
        Table t = new Table("BUS", "DRIVER", "BUNDLE", "DEVICES");
        for (DriverInfo d : core.drivers()) {
            String devices = String.join(",", core.boundDevices(d.bus(), d.name()).stream().map(x -> x.name()).toList());
            t.row(d.bus(), d.name(), d.bundleId(), devices.isEmpty() ? "-" : devices);
        }
        return t.toString();
    }
}
