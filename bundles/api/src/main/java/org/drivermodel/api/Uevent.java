package org.drivermodel.api;

/**
 * What happened to a device, as an EventAdmin event (Linux {@code kobject_uevent}): the
 * core posts {@code org/drivermodel/uevent/<ACTION>} asynchronously, in the order things
 * happened, with the properties {@link #DEVPATH}, {@link #SUBSYSTEM}, {@link #DEVICE},
 * {@link #DRIVER} (BIND and UNBIND) and the device's own properties prefixed with
 * {@link #PROPERTY_PREFIX}. Subscribe with an {@code EventHandler} on
 * {@code org/drivermodel/uevent/*}.
 *
 * <p>Writing an action's name in lower case ({@code add}, {@code change}, ...) to a device's
 * {@code uevent} file posts that event again, synthetic: the same properties as the real one
 * would have now (with {@link #DRIVER} whenever a driver is bound, as Linux's {@code dev_uevent}
 * adds {@code DRIVER=}), plus {@link #SYNTH_UUID}. It changes nothing else: writing
 * {@code remove} does not remove the device.
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

    /**
     * Event property of a synthetic uevent, one written to a device's {@code uevent} file (Linux
     * {@code SYNTH_UUID}): the UUID written after the action, or {@code "0"} if none was. Real
     * uevents do not have it. Since 2.1.
     */
    public static final String SYNTH_UUID = "synth_uuid";

    /**
     * Prefix of the event properties of a synthetic uevent's {@code KEY=value} arguments
     * (Linux {@code SYNTH_ARG_KEY=value}). Since 2.1.
     */
    public static final String SYNTH_ARG_PREFIX = "synth_arg_";

    /** Prefix of the event properties that carry the device's own properties. */
    public static final String PROPERTY_PREFIX = "device.";

    /** @return this action's EventAdmin topic */
    public String topic() {
        return TOPIC_PREFIX + name();
    }
}
