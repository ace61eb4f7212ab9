package org.drivermodel.storm.impl;

/**
 * A device the storm plugged, as the I/O threads see it.
 *
 * @param name its vbus name, {@code vvvv:pppp.N}
 * @param id   the id it was plugged with, {@code vvvv:pppp}
 */
record PluggedDevice(String name, String id) {

    /** @return its path in the device tree */
    String path() {
        return "/devices/vbus/" + name;
    }

    /** @return true if its driver registers a disk (testblk, ramdisk) */
    boolean hasDisk() {
        return id.startsWith(StormDevices.TESTBLK_VENDOR) || id.equals(StormDevices.RAMDISK);
    }

    /** @return the attribute file the attribute threads use on it, and what they may get from it */
    StormDevices.AttributeUse attribute() {
        return StormDevices.attributeOf(id);
    }
}
