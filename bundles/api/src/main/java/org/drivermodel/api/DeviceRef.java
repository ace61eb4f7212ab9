package org.drivermodel.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A tracked reference to a device (Linux {@code get_device}/{@code put_device} with
 * {@code ref_tracker}), taken with {@link DriverCore#hold(String)} and attributed to the bundle
 * that took it. It keeps only the core-owned node alive, never a driver: when the device is
 * removed the reference is revoked, {@link #device()} gives ENODEV, and the removal waits a
 * bounded time for holders to {@link #close()} theirs; one still held then is reclaimed and
 * named, with its holder and (when tracking is on) where it was taken, in the
 * {@linkplain DriverCore#report() report}.
 */
@ProviderType
public interface DeviceRef extends AutoCloseable {

    /**
     * @return the device
     * @throws org.drivermodel.error.DriverModelException ENODEV once the device was removed or
     *         the reference reclaimed; EINVAL after {@link #close()}
     */
    Device device();

    /** @return the path of the device, also after its removal */
    String path();

    /** @return who holds it, as reports name it, e.g. {@code bundle 12 (org.example.consumer)} */
    String holder();

    /** @return true until the device is removed, the reference reclaimed or closed */
    boolean isValid();

    /**
     * Drops the reference (a put). After a reclaim this is accepted silently.
     *
     * @throws org.drivermodel.error.DriverModelException EINVAL on a second close (a double
     *         put), naming both places when tracking is on
     */
    @Override
    void close();
}
