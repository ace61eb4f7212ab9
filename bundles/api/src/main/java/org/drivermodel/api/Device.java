package org.drivermodel.api;

import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A device node, owned by the core (Linux {@code struct device}): what any bundle may see of a
 * device. Anyone may hold it; it keeps no driver alive, and once removed it only answers
 * questions about what it was. What only the bound driver may do with the device (its driver
 * data, managed resources, disconnects and attribute groups) is on the {@link BoundDevice} the
 * driver receives for one binding.
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
     * @return the name of the only driver allowed to bind (Linux {@code driver_override}),
     *         {@code none} for no driver, or empty: the bus matches
     */
    Optional<String> driverOverride();
}
