package org.drivermodel.shell.impl;

import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.shell.ArgumentKind;
import org.drivermodel.shell.CommandService;
import org.drivermodel.shell.Completes;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code device:tree}, {@code device:list}, {@code device:info}, {@code device:override} and {@code device:deferred}. */
@Component(service = DeviceCommands.class, property = {
        CommandService.SCOPE + "=device",
        CommandService.FUNCTION + "=tree",
        CommandService.FUNCTION + "=wait",
        CommandService.FUNCTION + "=list",
        CommandService.FUNCTION + "=info",
        CommandService.FUNCTION + "=override",
        CommandService.FUNCTION + "=deferred" })
public final class DeviceCommands {

    @Reference
    private DriverCore core;

    /** @return the device tree under /devices, children indented under their parent */
    @Descriptor("show the device tree under /devices (as ls -R /sys/devices): each device under its parent,"
            + " with its bus or class, state and driver")
    public String tree() {
        StringBuilder b = new StringBuilder("/devices\n");
        Map<String, Device> byPath = new TreeMap<>();
        for (Device d : core.devices()) {
            byPath.put(d.path(), d);
        }
        String lastGroup = null;
        for (Device d : byPath.values()) {
            String rel = d.path().substring("/devices/".length());
            String[] parts = rel.split("/");
            String group = parts[0]; // the bus, or virtual/<class> for a class device with no parent
            if (!group.equals(lastGroup)) {
                b.append("  ").append(group).append('\n');
                lastGroup = group;
            }
            int depth = d.path().startsWith("/devices/virtual/") ? parts.length - 2 : parts.length - 1;
            b.append("  ".repeat(depth + 1)).append(d.name()).append("  [")
                    .append(d.deviceClass().map(c -> "class " + c).orElse(d.bus())).append(", ")
                    .append(d.state().name().toLowerCase())
                    .append(d.driver().map(drv -> ", " + drv).orElse("")).append("]\n");
        }
        return b.toString();
    }

    /**
     * @param device  a device
     * @param seconds how long to wait at most (1 to 300)
     * @return the device's state once it is there and not being probed
     */
    @Descriptor("wait until a device exists and is not being probed (as udevadm settle, for scripts):"
            + " devices declared in deploy/ appear a moment after start")
    public String wait(@Descriptor("the device: a path or <bus>/<name>") @Completes(ArgumentKind.DEVICE) String device,
            @Descriptor("how long to wait at most, in seconds (default 10)") int... seconds) throws InterruptedException {
        int limit = seconds == null || seconds.length == 0 ? 10 : seconds[0];
        if (seconds != null && seconds.length > 1 || limit < 1 || limit > 300) {
            throw new DriverModelException(Errno.EINVAL, "device:wait", "seconds must be one number from 1 to 300");
        }
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(limit);
        for (;;) {
            try {
                Device d = core.device(device);
                if (d.state() != org.drivermodel.api.DeviceState.PROBING) {
                    return d.path() + ": " + d.state().name().toLowerCase() + d.driver().map(drv -> " to " + drv).orElse("");
                }
            } catch (DriverModelException e) {
                if (e.errno() != Errno.ENOENT) {
                    throw e;
                }
            }
            if (System.nanoTime() > end) {
                throw new DriverModelException(Errno.ETIMEDOUT, DriverModelException.quote(String.valueOf(device)),
                        "no such device after " + limit + " s");
            }
            Thread.sleep(10);
        }
    }

    /** @return every device with its bus, state and driver */
    @Descriptor("list every device: name, bus (or class:<class> for a class device), state, bound driver")
    public String list() {
        Table t = new Table("DEVICE", "BUS", "STATE", "DRIVER");
        for (Device d : core.devices()) {
            t.row(d.name(), d.deviceClass().map(c -> "class:" + c).orElse(d.bus()), d.state().name().toLowerCase(),
                    d.driver().orElse("-"));
        }
        return t.toString();
    }

    /**
     * @param device a path, bus/name
     * @return the device's details
     */
    @Descriptor("show a device: path, bus, state, driver, properties")
    public String info(@Descriptor("the device: /devices/<bus>/<name> or <bus>/<name>") @Completes(ArgumentKind.DEVICE) String device) {
        Device d = core.device(device);
        StringBuilder b = new StringBuilder();
        b.append("path:    ").append(d.path()).append('\n');
        b.append(d.deviceClass().isPresent() ? "class:   " : "bus:     ")
                .append(d.deviceClass().orElse(d.bus())).append('\n');
        b.append("state:   ").append(d.state().name().toLowerCase()).append('\n');
        b.append("driver:  ").append(d.driver().orElse("-")).append('\n');
        b.append("parent:  ").append(d.parent().map(Device::path).orElse("-")).append('\n');
        b.append("driver_override: ").append(d.driverOverride().orElse("-")).append('\n');
        Map<String, String> props = new TreeMap<>(d.properties());
        props.forEach((k, v) -> b.append("  ").append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    /**
     * @param device a device
     * @param driver a driver name, none, or "" to clear
     * @return a confirmation
     */
    @Descriptor("set a device's driver_override: only that driver may bind it; 'none': no driver; '': the bus matches")
    public String override(@Descriptor("the device: /devices/<bus>/<name> or <bus>/<name>") @Completes(ArgumentKind.DEVICE) String device,
            @Descriptor("a driver name, none, or '' to clear") @Completes(ArgumentKind.DRIVER) String driver) {
        core.setDriverOverride(device, driver);
        return driver.isEmpty() ? "driver_override of " + device + " cleared"
                : "driver_override of " + device + " set to " + driver;
    }

    /** @return the devices whose probe is deferred, and why */
    @Descriptor("list the devices whose probe is deferred, and why (Linux devices_deferred)")
    public String deferred() {
        Table t = new Table("DEVICE", "REASON");
        core.deferredDevices().forEach(t::row);
        return t.toString();
    }

    /** @param args what {@code info} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String info(String... args) {
        throw Arguments.wrong("device:info", "<device>", args);
    }

    /** @param args what {@code override} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String override(String... args) {
        throw Arguments.wrong("device:override", "<device> <driver|none|\"\">", args);
    }
}
