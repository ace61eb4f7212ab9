package org.drivermodel.api;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A bus type (Linux {@code struct bus_type}), registered as an OSGi service by its bus bundle.
 *
 * <p>The core calls {@link #attach(BusContext)} once the service is seen; the bus then adds
 * the devices it finds through the context, at once and whenever hardware comes and goes.
 * When the service unregisters, the core removes every device of the bus (unbinding drivers
 * first) before the unregistration returns; the context is dead from then on.
 *
 * <p>Context: the core never holds a lock of its own while calling a bus.
 */
@ConsumerType
public interface Bus {

    /**
     * @return the bus name, unique in the framework (e.g. {@code vbus}); drivers name it in
     *         {@link DriverBinding#bus()}. Lower-case letters, digits, '-' and '_'.
     */
    String name();

    /**
     * Decides whether a driver can drive a device (Linux {@code bus->match}), from the
     * driver's service properties alone: no driver code runs to match.
     *
     * @param device the device, on this bus
     * @param driver the driver's description, including its service properties
     * @return {@code true} if the driver should be probed for the device
     */
    boolean match(Device device, DriverInfo driver);

    /**
     * Hands the bus its context. Called once per registration of the bus service, on the
     * thread that registered it or that opened the core's tracker.
     *
     * @param context the bus's handle on the core; valid until the bus service unregisters
     */
    void attach(BusContext context);

    /**
     * The attribute files every device of this bus has (Linux {@code bus->dev_groups}), under
     * its directory: they appear with the device and go with it.
     *
     * @return the groups; by default none
     */
    default List<AttributeGroup<Device>> deviceAttributes() {
        return List.of();
    }

    /**
     * The bus's identity variables of a device (Linux {@code bus->uevent}, e.g. PCI's
     * {@code PCI_ID=} and {@code MODALIAS=}): shown, after the core's {@code DRIVER=}, in the
     * device's {@code uevent} file, one {@code KEY=value} a line. Called each time the file is
     * read, with no lock of the core held; what it throws reaches the reader as EIO.
     *
     * @param device a device of this bus
     * @return the variables in the order to show them: keys of {@code A-Z}, {@code 0-9} and
     *         {@code _}, values without a newline; by default none. Since 2.1.
     */
    default Map<String, String> uevent(Device device) {
        return Map.of();
    }
}
