package org.drivermodel.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A usage pin on a device's binding (the module busy count of the seed's afterthought: a
 * block driver cannot go while a filesystem is mounted on it), taken with
 * {@link DriverCore#pin(String, String)}. The project's management commands
 * ({@link DriverCore#manage}) refuse to stop, update or uninstall the bound driver's bundle
 * while a pin is held, unless forced. A pin vetoes nothing else: a device unplugged, a driver
 * unbound by hand or a raw {@code Bundle.stop()} ends the binding anyway, and then the pin is
 * revoked and {@link #device()} gives ENODEV. Attribute access never pins.
 */
@ProviderType
public interface UsagePin extends AutoCloseable {

    /**
     * @return the pinned device
     * @throws org.drivermodel.error.DriverModelException ENODEV once the pinned binding ended;
     *         EINVAL after {@link #close()}
     */
    Device device();

    /** @return the device's path */
    String path();

    /** @return the name of the driver whose binding is pinned */
    String driver();

    /** @return why it is pinned, as the holder said */
    String reason();

    /** @return who holds it, e.g. {@code bundle 12 (org.example.consumer)} */
    String holder();

    /** @return true until the binding ends or the pin is closed */
    boolean isValid();

    /** Releases the pin. Idempotent. */
    @Override
    void close();
}
