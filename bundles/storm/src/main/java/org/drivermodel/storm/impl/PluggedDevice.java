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

    /** @return the attribute file the attribute threads use on it: one of its driver's if it has one, else one of its bus's */
    String attribute() {
        if (id.startsWith(StormDevices.TESTDRV_VENDOR)) {
            return "value";
        }
        return id.equals(StormDevices.VLED) ? "brightness" : "idProduct";
    }

    /** @return true if {@link #attribute()} may be written */
    boolean writable() {
        return id.equals(StormDevices.VLED);
    }
}
