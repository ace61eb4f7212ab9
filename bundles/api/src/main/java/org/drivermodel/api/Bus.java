package org.drivermodel.api;

import java.util.List;

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
}
