package org.drivermodel.core.impl;

import org.drivermodel.api.Device;
import org.drivermodel.api.Uevent;

/**
 * Where the model reports what happened to devices. Called with the model lock or a device
 * lock held, so an implementation must only record the event and return: no call out, no
 * blocking.
 */
@FunctionalInterface
interface UeventSink {
    /** A sink that drops everything. */
    UeventSink NONE = (action, device, driver) -> {
    };

    /**
     * @param action what happened
     * @param device to which device
     * @param driver the driver, for BIND and UNBIND; else null
     */
    void emit(Uevent action, Device device, String driver);
}
