package org.drivermodel.shell.impl;

import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverCore;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code device:list} and {@code device:info}. */
@Component(service = DeviceCommands.class, property = {
        "osgi.command.scope=device",
        "osgi.command.function=list",
        "osgi.command.function=info",
        "osgi.command.function=override",
        "osgi.command.function=deferred" })
public final class DeviceCommands {

    @Reference
    private DriverCore core;

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
    public String info(@Descriptor("the device: /devices/<bus>/<name> or <bus>/<name>") String device) {
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
    public String override(@Descriptor("the device: /devices/<bus>/<name> or <bus>/<name>") String device,
            @Descriptor("a driver name, none, or '' to clear") String driver) {
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
}
