package org.drivermodel.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device driver (Linux {@code struct device_driver}), registered as an OSGi service by its
 * driver bundle with the properties of {@link DriverBinding}; normally a Declarative
 * Services component.
 *
 * <p>The recipe: {@code probe} allocates, initialises the device and registers it with the
 * upper layers; {@code remove} undoes that. {@code remove} runs when the device goes, when
 * the driver is unbound, and when the driver's service unregisters (its bundle stopping),
 * always before that returns.
 *
 * <p>Context: both run under the device's lock (and its parent's, for a device added and
 * probed from its parent's probe), never under the core's model lock; they may block, but a
 * probe or remove past the drain deadline is named in the lifetime report, and a driver stop or
 * an unplug waits for a stuck probe only that long. A call from inside them that would end their
 * own binding (unplugging the device, unbinding it, stopping the driver's bundle) is deferred
 * until they return; it never runs {@code remove} recursively (docs/design.md §6).
 */
@ConsumerType
public interface Driver {

    /**
     * Binds the driver to a device that matched.
     *
     * @param device this binding of the device: the driver's handle, valid until the binding ends
     * @throws Exception to refuse the device; the core then tries the next matching driver.
     *         Anything thrown (an {@code Error} too) is contained: the probe failed, what it did
     *         is unwound, and the failure is named in the lifetime report
     */
    void probe(BoundDevice device) throws Exception;

    /**
     * Unbinds the driver from a device it was bound to. Default: nothing to undo. Runs at most
     * once per binding; what it throws is contained and reported, and the unbind goes on.
     *
     * @param device the binding that ends
     */
    default void remove(BoundDevice device) {
    }

    /**
     * The attribute files a device has while this driver is bound to it (Linux
     * {@code drv->dev_groups}). They appear only after {@code probe} returned, all at once,
     * and they are removed — every show and store in flight drained, every open handle
     * orphaned — before {@code remove} is called. So a callback never runs into a half-probed
     * or removed binding, and one may use {@link BoundDevice#driverData(Class)} freely.
     *
     * @return the groups; by default none
     */
    default List<AttributeGroup<BoundDevice>> deviceAttributes() {
        return List.of();
    }
}
