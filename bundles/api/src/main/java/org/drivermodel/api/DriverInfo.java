package org.drivermodel.api;

import java.util.Map;

/**
 * What the core knows of a driver without calling it.
 *
 * @param name       the driver's name ({@link DriverBinding#driver()})
 * @param bus        the bus it drives ({@link DriverBinding#bus()})
 * @param bundleId   the id of the bundle that registered it
 * @param properties its service properties (unmodifiable)
 */
public record DriverInfo(String name, String bus, long bundleId, Map<String, Object> properties) {

    /** Copies the properties. */
    public DriverInfo {
        properties = Map.copyOf(properties);
    }
}
