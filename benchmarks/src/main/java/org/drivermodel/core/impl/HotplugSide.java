package org.drivermodel.core.impl;

import java.util.Map;

/** One side of the hotplug comparison: the driver core ({@link CoreHotplug}) or the Felix service registry ({@link FelixRegistryBaseline}). */
interface HotplugSide {

    /** Plugs the devices, each probed before its add returns. @return devices probed so far */
    int plug(String[] names, Map<String, String> properties);

    /** Unplugs them, each unbound and removed. @return devices removed so far */
    int unplug(String[] names);

    /** Checks that the work counted was done, then stops this side. */
    void verifyAndClose(int devices) throws Exception;
}
