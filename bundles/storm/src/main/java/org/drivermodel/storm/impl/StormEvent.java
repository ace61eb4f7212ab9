package org.drivermodel.storm.impl;

/**
 * One event of a storm's schedule.
 *
 * @param index   its position in the schedule, from 0
 * @param kind    what it does
 * @param target  the device id to plug ({@code vvvv:pppp}), the driver bundle's symbolic name, or
 *                the bus bundle's; for {@link EventKind#UNPLUG} the id plugged in the slot
 * @param slot    the device slot for {@link EventKind#PLUG} and {@link EventKind#UNPLUG}; -1 otherwise
 * @param managed for a stop, update or reinstall of an active driver bundle: through the core's
 *                management command ({@code DriverCore.manage}, as {@code driver:stop} does)
 *                rather than the raw bundle operation
 */
record StormEvent(int index, EventKind kind, String target, int slot, boolean managed) {

    @Override
    public String toString() {
        return "#" + index + " " + kind + (slot >= 0 ? " slot " + slot : "") + " " + target + (managed ? " (managed)" : "");
    }
}
