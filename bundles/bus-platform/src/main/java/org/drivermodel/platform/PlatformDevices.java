package org.drivermodel.platform;

/**
 * How platform devices are declared: one factory configuration of {@link #FACTORY_PID} per
 * device, e.g. a file {@code deploy/org.drivermodel.platform.device-thermal0.cfg}:
 *
 * <pre>
 * name = thermal0
 * compatible = drivermodel,virtual-thermal
 * poll.interval.ms = 500
 * </pre>
 *
 * {@link #NAME} and {@link #COMPATIBLE} are required strings; every other string property is
 * given to the device as a property (configuration-internal keys such as {@code service.pid}
 * and {@code felix.fileinstall.filename} are left out). A new configuration adds the device, a
 * changed one removes and adds it again, a deleted one is a hot unplug. An invalid one is
 * logged with its error and creates nothing.
 */
public final class PlatformDevices {
    /** The factory PID of device declarations. */
    public static final String FACTORY_PID = "org.drivermodel.platform.device";

    /** Required: the device name, unique on the bus (1-64 of [A-Za-z0-9._:-]). */
    public static final String NAME = "name";

    /** Required: what the device is, as in a device tree ({@code vendor,model}). */
    public static final String COMPATIBLE = "compatible";

    /** The bus name. */
    public static final String BUS = "platform";

    private PlatformDevices() {
    }
}
