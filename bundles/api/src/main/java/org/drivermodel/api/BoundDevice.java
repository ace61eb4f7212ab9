package org.drivermodel.api;

import org.drivermodel.lifetime.ManagedResources;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One binding of a driver to a device, as the driver sees it: what {@link Driver#probe},
 * {@link Driver#remove} and the driver's attribute callbacks receive. It is also the
 * {@link Device} (name, path, properties, state), and adds what only the bound driver may do:
 * keep driver data, add managed resources, disconnects and attribute groups.
 *
 * <p><b>A binding is an instance, not a name.</b> This object belongs to one binding (driver
 * &times; device &times; {@linkplain #generation() generation}). Once that binding has ended —
 * unplug, unbind, driver stop, bus stop, failed probe — every driver-only method fails with
 * {@code ENODEV} naming the device and the generation, and never reaches a later binding of the
 * same device: a driver (or a bundle it handed this to) that keeps it past its {@code remove}
 * cannot read or overwrite the next binding's state. The {@link Device} methods go on answering
 * about the device, as {@link #device()} does.
 *
 * <p>Context: the driver-only methods may be called from any thread during the binding.
 * Since 2.0.
 */
@ProviderType
public interface BoundDevice extends Device {

    /** @return the device itself, to hand to others: it outlives this binding and pins nothing */
    Device device();

    /**
     * @return the generation of this binding of the device: 1 for its first binding, counting up
     *         with each probe of any driver
     */
    long generation();

    /** @return true from the start of the probe until the binding starts ending */
    boolean isLive();

    /**
     * The managed resources of this binding (Linux devres): what a driver adds here in
     * {@code probe} is released in reverse order after its {@code remove} returns, and at once
     * if the probe fails. Most drivers need no {@code remove} of their own.
     *
     * @return the binding's resources
     * @throws org.drivermodel.error.DriverModelException ENODEV once the binding has ended
     */
    ManagedResources resources();

    /**
     * Registers an upper layer's <em>disconnect now</em> for this binding (the block layer's
     * {@code del_gendisk}): when the binding ends, whatever the cause, these run newest first
     * after the driver's attribute files were drained and <em>before</em> its {@code remove},
     * so that {@code remove} finds no user left. Upper layers call this from their
     * registration, which a driver calls in {@code probe}. A disconnect that throws is
     * reported and the unbind goes on.
     *
     * @param name       what it disconnects, for reports
     * @param disconnect the action; must return only when no user is left
     * @throws org.drivermodel.error.DriverModelException ENODEV once the binding is ending
     */
    void addDisconnect(String name, AutoCloseable disconnect);

    /**
     * Adds an attribute group to the device for this binding (Linux
     * {@code devm_device_add_group}): its files appear under the device's directory (with the
     * binding's other files if added in {@code probe}) and are drained and removed when the
     * binding ends, before its {@code remove}. A call after the binding ended is refused,
     * changes nothing and is named in the lifetime report
     * ({@link LifetimeReport.Leak.Kind#REGISTRATION}).
     *
     * @param group the attributes; their callbacks receive this binding
     * @throws org.drivermodel.error.DriverModelException ENODEV once the binding is ending;
     *         EEXIST if a name is taken; EINVAL for null
     */
    void addAttributes(AttributeGroup<BoundDevice> group);

    /**
     * Announces that the value of one of the device's attribute files changed (Linux
     * {@code sysfs_notify}): every handle waiting in {@link AttributeFile#awaitChange} on it
     * wakes, and a later wait returns at once until the handle reads again. Cheap when nobody
     * watches: nothing is kept for a file never opened. May be called from any thread, from
     * inside a show or store as well (it takes no lock a callback holds, and calls no owner code).
     *
     * <p>After the binding ended the call is harmless: it changes nothing and fails with
     * {@code ENODEV}, so a driver's late timer cannot wake readers of the next binding's file.
     * Since 2.1.
     *
     * @param file the file's name relative to the device's directory: {@code temp1_input}, or
     *             {@code <group>/<name>} for a named group's file
     * @throws org.drivermodel.error.DriverModelException ENODEV once the binding has ended;
     *         ENOENT if the device has no such file; EINVAL for a malformed or null name, or a
     *         directory
     */
    void notifyChange(String file);

    /**
     * Keeps the driver's state for this binding (Linux {@code dev_set_drvdata}). It is dropped
     * when the binding ends, so it never outlives it.
     *
     * @param data the driver's per-device state
     * @throws org.drivermodel.error.DriverModelException ENODEV once the binding has ended
     */
    void setDriverData(Object data);

    /**
     * @param <T>  the type the driver stored
     * @param type the type the driver stored
     * @return the driver's per-device state of this binding (Linux {@code dev_get_drvdata})
     * @throws org.drivermodel.error.DriverModelException ENODEV once the binding has ended or if
     *         none was stored; EINVAL if it is not a {@code type}
     */
    <T> T driverData(Class<T> type);
}
