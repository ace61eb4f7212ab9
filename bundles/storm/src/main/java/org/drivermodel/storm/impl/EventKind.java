package org.drivermodel.storm.impl;

/** What one event of a storm does. */
enum EventKind {
    /** Plug a virtual device (its id in the event's target) into a slot. */
    PLUG,
    /** Unplug the device of a slot (surprise removal). */
    UNPLUG,
    /** Stop a driver bundle: every device it drives is unbound before the stop returns. */
    DRIVER_STOP,
    /** Start a stopped driver bundle: its drivers bind the devices waiting for them. */
    DRIVER_START,
    /** Update a driver bundle and refresh it: a new generation (class loader) replaces the old. */
    DRIVER_UPDATE,
    /** Uninstall a driver bundle, refresh, install it again from the same location and start it. */
    DRIVER_REINSTALL,
    /** Stop the bus bundle: its devices are removed; its simulated hardware stays plugged. */
    BUS_STOP,
    /** Start the bus bundle again: the hardware still plugged is enumerated again. */
    BUS_START
}
