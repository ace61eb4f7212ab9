package org.drivermodel.api;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The driver core as a service: what management tools (the shell, a test) see of it.
 *
 * <p>The service is bundle-scoped: each bundle gets its own view, and what a bundle takes or
 * registers through it (references, pins, classes, open attribute files) is attributed to that
 * bundle, and released and {@linkplain LifetimeReport.Leak.Kind#BUNDLE reported} if the bundle
 * still holds it when it goes.
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
     * Finds a device by its path ({@code /devices/vbus/1209:0001.1}), by
     * {@code /bus/<bus>/devices/<name>}, {@code /class/<class>/<name>} or {@code <bus>/<name>}.
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

    /**
     * Binds a driver to a device by hand (Linux {@code /sys/bus/<bus>/drivers/<drv>/bind}),
     * whatever {@code drivers_autoprobe} says. Returns after the probe.
     *
     * @throws org.drivermodel.error.DriverModelException ENOENT for an unknown bus or driver;
     *         ENODEV for an unknown device (since 2.1; Linux {@code bind_store}'s error, so the
     *         {@code bind} file answers the same); EBUSY if the device is bound (or its lock is held past the drain
     *         deadline by a probe or remove stuck in driver code); ENODEV if the driver does not
     *         match the device (or is on another bus); the errno of the probe's
     *         {@code DriverModelException} if it refused the device, EIO if it threw anything
     *         else; EAGAIN if its probe asked to be deferred
     */
    void bind(String bus, String driver, String device);

    /**
     * Unbinds a driver from a device by hand ({@code .../drivers/<drv>/unbind}): its
     * {@code remove} has run when this returns; the device stays unbound.
     *
     * @throws org.drivermodel.error.DriverModelException ENOENT for an unknown bus or driver;
     *         ENODEV for an unknown device (since 2.1, as Linux {@code unbind_store}) or if the
     *         device is not bound to that driver
     */
    void unbind(String bus, String driver, String device);

    /**
     * Sets a device's {@code driver_override}: only the named driver may bind it from now on;
     * {@code none}: no driver; empty: the bus matches again. A bound driver stays bound.
     *
     * @param device a device path or {@code <bus>/<name>}
     * @param driver a driver name, {@code none}, or empty; one trailing newline is dropped
     * @throws org.drivermodel.error.DriverModelException EINVAL for a malformed name, ENOENT
     *         for an unknown device
     */
    void setDriverOverride(String device, String driver);

    /**
     * @param bus a bus name
     * @return whether the bus probes drivers for new devices and devices for new drivers
     *         (Linux {@code drivers_autoprobe}); true unless turned off
     * @throws org.drivermodel.error.DriverModelException ENOENT for an unknown bus
     */
    boolean autoprobe(String bus);

    /**
     * Turns automatic probing on a bus on or off. Turning it on probes nothing by itself.
     *
     * @throws org.drivermodel.error.DriverModelException ENOENT for an unknown bus
     */
    void setAutoprobe(String bus, boolean on);

    /**
     * @return the devices whose probe is deferred, path to reason, oldest first (Linux
     *         {@code /sys/kernel/debug/devices_deferred}); those past the deferred-probe
     *         deadline are given up (logged, left unbound) and not listed
     */
    Map<String, String> deferredDevices();

    /**
     * Opens an attribute file of the tree ({@code /devices/...}, {@code /bus/<bus>/...}) for
     * whatever its mode permits: reading if it is readable, writing if it is writable. No
     * access is checked at open, so a read of a write-only file fails at the read, with EACCES
     * (use {@link #open(String, AccessMode)} to have it checked at open, as {@code open(2)}).
     * The handle pins nothing: once its object is removed, reads and writes through it give
     * ENODEV, while a new open gives ENOENT, as in Linux sysfs.
     *
     * @param path an absolute path; links are followed
     * @return the open file; close it
     * @throws org.drivermodel.error.DriverModelException ENOENT if there is no such file,
     *         EINVAL for a malformed path or a directory, ENAMETOOLONG for an overlong one
     */
    AttributeFile open(String path);

    /**
     * Opens an attribute file for one access mode, checked now (sysfs {@code open(2)} with
     * {@code O_RDONLY}, {@code O_WRONLY}, {@code O_RDWR}). Since 2.1.
     *
     * @param path an absolute path; links are followed
     * @param mode how the handle will be used; fixed for its life
     * @return the open file; close it
     * @throws org.drivermodel.error.DriverModelException EACCES if the file's mode does not
     *         permit that access (nothing is opened); EINVAL for a null mode; otherwise as
     *         {@link #open(String)}
     */
    AttributeFile open(String path, AccessMode mode);

    /**
     * Opens a directory of the tree, to list it through the handle; see
     * {@link AttributeDirectory} for a handle whose directory is removed. Since 2.1.
     *
     * @param path an absolute path; links are followed
     * @return the open directory; close it
     * @throws org.drivermodel.error.DriverModelException ENOENT if there is no such directory,
     *         EINVAL for a malformed path or a file ("not a directory"), ENAMETOOLONG for an
     *         overlong one
     */
    AttributeDirectory openDirectory(String path);

    /**
     * Tells a node's metadata by path, following links ({@code stat(2)} on sysfs): no owner code
     * runs. Since 2.1.
     *
     * @param path an absolute path
     * @return the node's type, permission bits and size as sysfs reports it
     * @throws org.drivermodel.error.DriverModelException ENOENT if there is no such node (also
     *         once it was removed); EINVAL for a malformed path; ENAMETOOLONG for an overlong one
     */
    FileStat stat(String path);

    /**
     * @param path a directory of the attribute tree
     * @return the names in it, sorted
     * @throws org.drivermodel.error.DriverModelException as for {@link #open(String)}, and
     *         EINVAL if it is not a directory
     */
    List<String> list(String path);

    /**
     * Registers a device class (Linux {@code class_register}).
     *
     * @param name       the class name: 1-32 of [a-z0-9_-], starting with a letter
     * @param attributes the attributes every device of the class has (Linux
     *                   {@code class->dev_groups})
     * @return the class; close it to unregister
     * @throws org.drivermodel.error.DriverModelException EINVAL for a bad name, EEXIST if a
     *         class of that name is registered
     */
    DeviceClass registerClass(String name, List<AttributeGroup<Device>> attributes);

    /** @return the registered classes, by name */
    List<String> classes();

    /**
     * Takes a tracked reference to a device, attributed to the calling bundle (Linux
     * {@code get_device}). It pins no driver; see {@link DeviceRef}.
     *
     * @param device a device path or {@code <bus>/<name>}
     * @return the reference; close it
     * @throws org.drivermodel.error.DriverModelException ENOENT for an unknown device, EINVAL
     *         for a malformed name
     */
    DeviceRef hold(String device);

    /**
     * Pins the current binding of a device, attributed to the calling bundle; see
     * {@link UsagePin}. A class device (a disk, say) is pinned through the binding that provides
     * it, that of its nearest ancestor on a bus: pinning {@code /class/block/ram0} keeps the
     * ramdisk driver's bundle from being stopped by the management commands.
     *
     * @param device a device path, {@code <bus>/<name>} or {@code /class/<class>/<name>}
     * @param reason why, for whoever is refused (1-200 printable characters)
     * @return the pin; close it
     * @throws org.drivermodel.error.DriverModelException ENOENT for an unknown device, ENODEV
     *         if no driver is bound to it, EBUSY if its driver's bundle is being stopped by
     *         {@link #manage}, EINVAL for a bad reason
     */
    UsagePin pin(String device, String reason);

    /**
     * Stops, updates or uninstalls the bundle of a driver, honouring usage pins: the
     * management command behind {@code driver:stop}. Returns when the bundle operation
     * returned, so for STOP and UPDATE after every device bound to the bundle's drivers was
     * unbound and drained.
     *
     * @param bus    the driver's bus
     * @param driver the driver's name
     * @param action what to do with its bundle
     * @param force  proceed although pins are held; the pins are revoked
     * @throws org.drivermodel.error.DriverModelException ENOENT for an unknown bus or driver;
     *         EBUSY naming a pin if a binding of any driver of that bundle is pinned and
     *         {@code force} is false (nothing is done); EPERM for the core's own bundle or the
     *         system bundle; EIO if the framework refused the operation
     */
    void manage(String bus, String driver, BundleAction action, boolean force);

    /** @return the references and pins held now and the recent leaks */
    LifetimeReport report();

    /**
     * Waits until no asynchronous probe is queued or running (Linux
     * {@code wait_for_device_probe}): drivers that prefer asynchronous probing
     * ({@link DriverBinding#asyncProbe()}) are probed on the core's probe threads, so a device
     * added by a bus may still be unbound when the bus's call returns.
     *
     * @param timeout how long to wait at most
     * @return true if every asynchronous probe had finished, false at the timeout
     */
    boolean awaitProbes(java.time.Duration timeout);
}
