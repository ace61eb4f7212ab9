package org.drivermodel.shell.impl;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.drivermodel.api.Bus;
import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.shell.ArgumentKind;
import org.drivermodel.shell.CommandService;
import org.drivermodel.shell.Completes;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@code bus:list} and {@code bus:autoprobe}. */
@Component(service = BusCommands.class, property = {
        CommandService.SCOPE + "=bus",
        CommandService.FUNCTION + "=list",
        CommandService.FUNCTION + "=autoprobe" })
public final class BusCommands {

    /** The service properties by which a bus tells its name and, in one line, how it is (the linux bus without uevents). */
    static final String NAME = "drivermodel.bus.name";
    static final String STATUS = "drivermodel.bus.status";

    @Reference
    private DriverCore core;

    @Reference(service = Bus.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<ServiceReference<Bus>> buses;

    /** @return every bus attached to the core, with its device count, and its status where it gives one */
    @Descriptor("list the buses attached to the driver core")
    public String list() {
        Table t = new Table("BUS", "DEVICES", "AUTOPROBE", "STATUS");
        for (String bus : core.buses()) {
            t.row(bus, core.devices().stream().filter(d -> d.bus().equals(bus)).count(), core.autoprobe(bus) ? 1 : 0, status(bus));
        }
        return t.toString();
    }

    private String status(String bus) {
        List<ServiceReference<Bus>> refs = buses;
        if (refs != null) {
            for (ServiceReference<Bus> r : refs) {
                if (bus.equals(r.getProperty(NAME)) && r.getProperty(STATUS) != null) {
                    return String.valueOf(r.getProperty(STATUS));
                }
            }
        }
        return "";
    }

    /**
     * @param bus   a bus name
     * @param value 1 or 0
     * @return a confirmation
     */
    @Descriptor("turn a bus's drivers_autoprobe on (1) or off (0)")
    public String autoprobe(@Descriptor("the bus, e.g. vbus") @Completes(ArgumentKind.BUS) String bus, @Descriptor("1 or 0") String value) {
        boolean on = switch (String.valueOf(value).strip()) {
            case "1" -> true;
            case "0" -> false;
            default -> throw new DriverModelException(Errno.EINVAL, "/bus/" + bus + "/drivers_autoprobe",
                    "expected 1 or 0, got '" + value + "'");
        };
        core.setAutoprobe(bus, on);
        return bus + ": drivers_autoprobe " + (on ? 1 : 0);
    }

    /** @param args what {@code autoprobe} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String autoprobe(String... args) {
        throw Arguments.wrong("bus:autoprobe", "<bus> 1|0", args);
    }
}
