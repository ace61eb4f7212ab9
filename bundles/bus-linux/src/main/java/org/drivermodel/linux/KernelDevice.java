package org.drivermodel.linux;

import java.util.Map;

/**
 * A device of the kernel, as {@code /sys} shows it now.
 *
 * @param subsystem its subsystem, e.g. {@code net}
 * @param name      its kernel name, the last part of its devpath, e.g. {@code eth0}
 * @param devpath   its path under {@code /sys}, e.g. {@code /devices/virtual/net/lo}
 * @param variables its uevent variables ({@code INTERFACE}, {@code IFINDEX}, ...), with
 *                  {@code SUBSYSTEM} and {@code DEVPATH}
 */
public record KernelDevice(String subsystem, String name, String devpath, Map<String, String> variables) {
    public KernelDevice {
        variables = Map.copyOf(variables);
    }

    /** @return the name of the model's device that mirrors it: {@code <subsystem>:<name>} */
    public String modelName() {
        return subsystem + ":" + name;
    }
}
