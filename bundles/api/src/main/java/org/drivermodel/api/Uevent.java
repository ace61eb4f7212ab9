package org.drivermodel.api;

/**
 * What happened to a device, as an EventAdmin event (Linux {@code kobject_uevent}): the
 * core posts {@code org/drivermodel/uevent/<ACTION>} asynchronously, in the order things
 * happened, with the properties {@link #DEVPATH}, {@link #SUBSYSTEM}, {@link #DEVICE},
 * {@link #DRIVER} (BIND and UNBIND) and the device's own properties prefixed with
 * {@link #PROPERTY_PREFIX}. Subscribe with an {@code EventHandler} on
 * {@code org/drivermodel/uevent/*}.
 */
public enum Uevent {
    /** A device was added to its bus (before any driver is probed for it). */
    ADD,
    /** A device was removed (after its driver was unbound). */
    REMOVE,
    /** A driver was bound to a device (after its probe returned). */
    BIND,
    /** A driver was unbound from a device (after its remove returned). */
    UNBIND,
    /** Something about a device changed. */
    CHANGE;

    /** The topic prefix. */
    public static final String TOPIC_PREFIX = "org/drivermodel/uevent/";

    /** Event property: the device's path, e.g. {@code /devices/vbus/1209:0001.1}. */
    public static final String DEVPATH = "devpath";

    /** Event property: the device's bus. */
    public static final String SUBSYSTEM = "subsystem";

    /** Event property: the device's name on its bus. */
    public static final String DEVICE = "device";

    /** Event property: the driver's name (BIND and UNBIND). */
    public static final String DRIVER = "driver";

    /** Prefix of the event properties that carry the device's own properties. */
    public static final String PROPERTY_PREFIX = "device.";

    /** @return this action's EventAdmin topic */
    public String topic() {
        return TOPIC_PREFIX + name();
    }
}
