package org.drivermodel.api;

import java.util.Map;
import java.util.Optional;

import org.drivermodel.lifetime.ManagedResources;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A device node, owned by the core (Linux {@code struct device}). Anyone may hold it; it
 * keeps no driver alive, and once removed it only answers questions about what it was.
 */
@ProviderType
public interface Device {

    /** @return the name, unique on its bus, e.g. {@code 1209:0001.1} */
    String name();

    /** @return the name of the bus it sits on; empty for a class device */
    String bus();

    /** @return the class of a class device; empty for a device on a bus */
    Optional<String> deviceClass();

    /** @return its path in the device tree, e.g. {@code /devices/vbus/1209:0001.1} */
    String path();

    /** @return the identity properties the bus gave it (unmodifiable) */
    Map<String, String> properties();

    /**
     * @param key a property name
     * @return the property, or {@code null}
     */
    default String property(String key) {
        return properties().get(key);
    }

    /** @return where the device is in its life */
    DeviceState state();

    /** @return the name of the driver bound to it, if any */
    Optional<String> driver();

    /** @return the device it hangs under in the device tree, if any; removed before it */
    Optional<Device> parent();

    /**
     * The managed resources of the current binding (Linux devres): what a driver adds here
     * in {@code probe} is released in reverse order after its {@code remove} returns, and
     * at once if the probe fails. Most drivers need no {@code remove} of their own.
     *
     * <p>Context: from the driver's {@code probe} until its {@code remove} returns.
     *
     * @return the binding's resources
     * @throws org.drivermodel.error.DriverModelException ENODEV when no driver is being
     *         probed or bound
     */
    ManagedResources resources();

    /**
     * Registers an upper layer's <em>disconnect now</em> for the current binding (the block
     * layer's {@code del_gendisk}): when the binding ends, whatever the cause, these run newest
     * first after the driver's attribute files were drained and <em>before</em> its
     * {@code remove}, so that {@code remove} finds no user left. Upper layers call this from
     * their registration, which a driver calls in {@code probe}; the driver itself needs no
     * {@code remove} for it. A disconnect that throws is logged and the unbind goes on.
     *
     * <p>Context: from the driver's {@code probe} until its binding starts ending.
     *
     * @param name       what it disconnects, for reports
     * @param disconnect the action; must return only when no user is left
     * @throws org.drivermodel.error.DriverModelException ENODEV when no driver is being
     *         probed or bound, or its binding is ending
     */
    void addDisconnect(String name, AutoCloseable disconnect);

    /**
     * Adds an attribute group to the device for the current binding (Linux
     * {@code devm_device_add_group}): its files appear under the device's directory (with the
     * binding's other files if added in {@code probe}) and are drained and removed when the
     * binding ends, with the driver's {@link Driver#deviceAttributes()}, before its
     * {@code remove}. A call after the binding ended is refused, changes nothing and is named in
     * the lifetime report ({@link LifetimeReport.Leak.Kind#REGISTRATION}).
     *
     * <p>Context: from the driver's {@code probe} until its binding starts ending. Since 1.2.
     *
     * @param group the attributes; their callbacks receive this device
     * @throws org.drivermodel.error.DriverModelException ENODEV when no driver is being probed
     *         or bound, or its binding is ending; EEXIST if a name is taken; EINVAL for null
     */
    void addAttributes(AttributeGroup<Device> group);

    /**
     * Keeps the bound driver's state for this device (Linux {@code dev_set_drvdata}). The core
     * drops it when the driver is unbound, so it never outlives the binding.
     *
     * <p>Context: from the driver's {@code probe} until its {@code remove} returns.
     *
     * @param data the driver's per-device state
     * @throws org.drivermodel.error.DriverModelException ENODEV when no driver is being
     *         probed or bound
     */
    void setDriverData(Object data);

    /**
     * @param <T>  the type the driver stored
     * @param type the type the driver stored
     * @return the driver's per-device state (Linux {@code dev_get_drvdata})
     * @throws org.drivermodel.error.DriverModelException ENODEV when no driver is bound or
     *         none stored any; EINVAL if it is not a {@code type}
     */
    <T> T driverData(Class<T> type);

    /**
     * @return the name of the only driver allowed to bind (Linux {@code driver_override}),
     *         {@code none} for no driver, or empty: the bus matches
     */
    Optional<String> driverOverride();
}
