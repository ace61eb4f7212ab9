package org.drivermodel.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registered device class (Linux {@code struct class}): a namespace of class devices —
 * what a device <em>is</em> to its users (a disk, an LED, a network interface) rather than
 * where it sits. Class devices appear at {@code /class/<class>/<name>}, under their parent's
 * directory (or {@code /devices/virtual/<class>/} without one), with the class's default
 * attributes. No driver binds them.
 *
 * <p>Registered with {@link DriverCore#registerClass}; {@link #close()} unregisters it and
 * removes its devices.
 */
@ProviderType
public interface DeviceClass extends AutoCloseable {

    /** @return the class name, e.g. {@code block} */
    String name();

    /**
     * Adds a class device. When the parent has a driver bound (or being probed), the class
     * device belongs to that binding: it is removed when the driver is unbound, as a managed
     * resource (Linux {@code devm_*_register}). It is always removed before its parent.
     *
     * @param name       unique in the class; as a device name
     * @param properties the device's properties; copied
     * @param parent     the device it belongs to, or {@code null}
     * @return the class device
     * @throws org.drivermodel.error.DriverModelException EEXIST for a duplicate name, EINVAL
     *         for a malformed one, ENODEV if the class or the parent is gone
     */
    Device addDevice(String name, Map<String, String> properties, Device parent);

    /**
     * Removes a class device.
     *
     * @throws org.drivermodel.error.DriverModelException ENOENT if the class has no such device
     */
    void removeDevice(String name);

    /** Unregisters the class: its devices are removed, newest first. Idempotent. */
    @Override
    void close();
}
