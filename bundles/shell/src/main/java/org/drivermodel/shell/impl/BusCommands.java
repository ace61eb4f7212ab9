package org.drivermodel.shell.impl;

import org.apache.felix.service.command.Descriptor;
import org.drivermodel.api.DriverCore;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code bus:list}. */
@Component(service = BusCommands.class, property = {
        "osgi.command.scope=bus",
        "osgi.command.function=list" })
public final class BusCommands {

    @Reference
    private DriverCore core;

    /** @return every bus attached to the core, with its device count */
    @Descriptor("list the buses attached to the driver core")
    public String list() {
        Table t = new Table("BUS", "DEVICES");
        for (String bus : core.buses()) {
            t.row(bus, core.devices().stream().filter(d -> d.bus().equals(bus)).count());
        }
        return t.toString();
    }
}
