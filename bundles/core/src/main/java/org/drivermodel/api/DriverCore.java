package org.drivermodel.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The driver core as a service: what management tools (the shell, a test) see of it.
 */
@ProviderType
public interface DriverCore {

    /** @return the buses attached to the core, by name */
    List<String> buses();

    /** @return a snapshot of every device, ordered by path */
    List<Device> devices();

    /** @return a snapshot of every known driver, ordered by bus and name */
    List<DriverInfo> drivers();

    /**
     * Finds a device by its path ({@code /devices/vbus/1209:0001.1}) or by
     * {@code <bus>/<name>}.
     *
     * @param pathOrName the path or bus-qualified name
     * @return the device
     * @throws org.drivermodel.error.DriverModelException {@code ENOENT} if there is none,
     *         {@code EINVAL} if the argument is malformed
     */
    Device device(String pathOrName);

    /**
     * @param driver a driver name
     * @param bus    its bus
     * @return the devices bound to it, ordered by path
     * @throws org.drivermodel.error.DriverModelException {@code ENOENT} for an unknown driver
     */
    List<Device> boundDevices(String bus, String driver);
}
