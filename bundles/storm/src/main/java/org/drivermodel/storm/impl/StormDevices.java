package org.drivermodel.storm.impl;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the storm plugs and which bundles it storms: the test drivers (testdrv on vbus vendor
 * 7e57, testblk on 7eb1, both in the driver-test bundle) and the sample drivers (vled, ramdisk),
 * on the virtual bus. The core, the block layer, the test kit and the storm itself are never
 * stormed. testdrv's leaky product 0bad and testblk's throwing (00e0) and never-completing
 * (00f0) products are left out: they leak, fail or hang on purpose, which the hostile-driver
 * tests cover one by one; testblk 00d0 (completes every request twice) is in, since the block
 * layer must keep its second completion from the consumer.
 */
final class StormDevices {
    static final String TESTDRV_VENDOR = "7e57";
    static final String TESTBLK_VENDOR = "7eb1";
    static final String VLED = "1209:0001";
    static final String RAMDISK = "1d6b:0100";

    /** The ids plugged, in the order the schedule draws from. */
    static final List<String> IDS = List.of("7e57:0001", "7e57:0002", "7eb1:0001", "7eb1:00d0", VLED, RAMDISK);

    /**
     * The ids never plugged across a bus restart: none. (testblk used to be here: it tracked
     * removal by path, so a device that came back under the same path after its bus restarted
     * looked removed and every request to its new disk counted as a call after remove; it now
     * tracks removal per binding.) A driver that cannot survive its bus restarting goes here.
     */
    static final Set<String> NOT_ACROSS_BUS_RESTART = Set.of();

    /** The bus bundle. */
    static final String BUS_BUNDLE = "org.drivermodel.bus-virtual";

    /** The driver bundles stormed, each with one of its drivers on vbus (for the management command). */
    static final Map<String, String> DRIVER_BUNDLES = Map.of(
            "org.drivermodel.driver-test", "testdrv",
            "org.drivermodel.driver-vled", "vled",
            "org.drivermodel.driver-ramdisk", "ramdisk");

    /** The driver bundles, in the order the schedule sees them. */
    static final List<String> DRIVER_BUNDLE_ORDER = List.of(
            "org.drivermodel.driver-test", "org.drivermodel.driver-vled", "org.drivermodel.driver-ramdisk");

    private StormDevices() {
    }
}
