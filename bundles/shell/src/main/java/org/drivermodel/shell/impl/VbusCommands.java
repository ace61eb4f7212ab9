package org.drivermodel.shell.impl;

import org.apache.felix.service.command.Descriptor;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.shell.ArgumentKind;
import org.drivermodel.shell.CommandService;
import org.drivermodel.shell.Completes;
import org.drivermodel.vbus.VirtualBus;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code vbus:plug}, {@code vbus:unplug} and {@code vbus:list}: the virtual bus's controller.
 * The virtual bus is optional: without it the commands answer ENODEV.
 */
@Component(service = VbusCommands.class, property = {
        CommandService.SCOPE + "=vbus",
        CommandService.FUNCTION + "=plug",
        CommandService.FUNCTION + "=unplug",
        CommandService.FUNCTION + "=list" })
public final class VbusCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile VirtualBus vbus;

    @Reference
    private DriverCore core;

    /**
     * @param id vendor:product
     * @return what became of the new device
     */
    @Descriptor("plug a virtual device; it is bound before this returns")
    public String plug(@Descriptor("vendor:product, four hex digits each, e.g. 1209:0001") String id) {
        String name = vbus().plug(id);
        String bound;
        try {
            Device d = core.device(VirtualBus.NAME + "/" + name);
            bound = d.driver().map(drv -> "bound to " + drv).orElse("no driver");
        } catch (DriverModelException e) {
            bound = "not in the device tree (" + e.errno() + ")";
        }
        return "plugged " + name + ": " + bound;
    }

    /**
     * @param name a plugged device's name
     * @return a confirmation
     */
    @Descriptor("unplug a virtual device (surprise removal); its driver is unbound before this returns")
    public String unplug(@Descriptor("the device name, e.g. 1209:0001.1") @Completes(ArgumentKind.VBUS_DEVICE) String name) {
        vbus().unplug(name);
        return "unplugged " + name;
    }

    /** @return the plugged hardware */
    @Descriptor("list the devices plugged into the virtual bus")
    public String list() {
        Table t = new Table("DEVICE", "VENDOR", "PRODUCT");
        vbus().plugged().forEach((name, props) -> t.row(name, props.get(VirtualBus.VENDOR), props.get(VirtualBus.PRODUCT)));
        return t.toString();
    }

    private VirtualBus vbus() {
        VirtualBus bus = vbus;
        if (bus == null) {
            throw new DriverModelException(Errno.ENODEV, VirtualBus.NAME, "the virtual bus is not running");
        }
        return bus;
    }

    /** @param args what {@code plug} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String plug(String... args) {
        throw Arguments.wrong("vbus:plug", "<vvvv:pppp>", args);
    }

    /** @param args what {@code unplug} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String unplug(String... args) {
        throw Arguments.wrong("vbus:unplug", "<name>", args);
    }
}
