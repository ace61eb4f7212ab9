package org.drivermodel.vbus;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The virtual bus's controller: plug and unplug simulated hardware. A plugged device is
 * added to the driver core (and bound) before {@link #plug} returns, if the bus is attached
 * to the core; otherwise it is enumerated when the bus attaches.
 */
@ProviderType
public interface VirtualBus {
    /** The bus name. */
    String NAME = "vbus";

    /** Device property: the vendor id, four lower-case hex digits. */
    String VENDOR = "vendor";

    /** Device property: the product id, four lower-case hex digits. */
    String PRODUCT = "product";

    /**
     * Plugs a device.
     *
     * @param id {@code VVVV:PPPP}, vendor and product id in hex (e.g. {@code 1209:0001})
     * @return the new device's name, {@code vvvv:pppp.N} with N counting plugs from 1
     * @throws org.drivermodel.error.DriverModelException EINVAL for a malformed id
     */
    String plug(String id);

    /**
     * Unplugs a device (surprise removal): its driver's {@code remove} has run when this returns.
     *
     * @param name the device name returned by {@link #plug}
     * @throws org.drivermodel.error.DriverModelException ENOENT if no such device is plugged
     */
    void unplug(String name);

    /** @return the plugged devices, name to properties, in plug order */
    Map<String, Map<String, String>> plugged();
}
