package org.drivermodel.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A bus's handle on the core, given to {@link Bus#attach(BusContext)}. Once the bus service
 * has unregistered, every method fails with {@code ENODEV}.
 */
@ProviderType
public interface BusContext {

    /**
     * Adds a device to the bus and binds it to the first matching driver. Returns after the
     * probe, if any, has finished.
     *
     * @param name       the device name, unique on the bus (e.g. {@code 1209:0001.1});
     *                   no '/', not empty, at most 255 characters
     * @param properties the device's identity (e.g. vendor and product ids); copied
     * @return the new device
     * @throws org.drivermodel.error.DriverModelException {@code EEXIST} for a duplicate name,
     *         {@code EINVAL} for a malformed name, {@code ENODEV} once the bus is gone
     */
    default Device addDevice(String name, Map<String, String> properties) {
        return addDevice(name, properties, null);
    }

    /**
     * Adds a device under a parent device: the child is removed before its parent.
     *
     * @param name       as for {@link #addDevice(String, Map)}
     * @param properties as for {@link #addDevice(String, Map)}
     * @param parent     a device of any bus, or {@code null}
     * @return the new device, at {@code <parent path>/<name>}
     * @throws org.drivermodel.error.DriverModelException as for {@link #addDevice(String, Map)},
     *         and {@code ENODEV} if the parent was removed
     */
    Device addDevice(String name, Map<String, String> properties, Device parent);

    /**
     * Removes a device (hot unplug): its driver's {@code remove} runs before this returns.
     *
     * @param name the device name
     * @throws org.drivermodel.error.DriverModelException {@code ENOENT} if the bus has no
     *         such device, {@code ENODEV} once the bus is gone
     */
    void removeDevice(String name);
}
