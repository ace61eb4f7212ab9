package org.drivermodel.linux;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** The {@code linux} bus, for the shell: what the kernel has, what the model mirrors, what was received. */
@ProviderType
public interface LinuxBus {
    /** the bus's name */
    String NAME = "linux";

    /**
     * @return one line: {@code following kernel uevents (subsystems [net])}, or why not, e.g.
     *         {@code no kernel uevents: socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT): EPERM ...}
     */
    String status();

    /** @return the devices of the configured subsystems that {@code /sys} shows now, by devpath */
    List<KernelDevice> kernelDevices();

    /** @return the model's device names of the mirrored kernel devices, by devpath */
    Map<String, String> mirrored();

    /**
     * @param count how many, 1 to the number kept (256)
     * @return the last uevents received, oldest first
     */
    List<KernelEvent> events(int count);
}
