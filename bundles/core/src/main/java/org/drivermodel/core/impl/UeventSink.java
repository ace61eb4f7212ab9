package org.drivermodel.core.impl;

import java.util.Map;

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

    /**
     * A synthetic uevent, written to a device's {@code uevent} file: the properties a real one
     * has, plus {@code synth} ({@link Uevent#SYNTH_UUID} and any arguments). Context: a store,
     * no lock held. By default the marks are dropped (sinks of tests that do not look at them).
     *
     * @param action what to announce
     * @param device to which device
     * @param driver the bound driver, or null
     * @param synth  the synthetic marks, event property to value
     */
    default void emitSynthetic(Uevent action, Device device, String driver, Map<String, String> synth) {
        emit(action, device, driver);
    }
}
