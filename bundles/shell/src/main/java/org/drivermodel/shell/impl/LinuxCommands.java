package org.drivermodel.shell.impl;

import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.linux.KernelDevice;
import org.drivermodel.linux.KernelEvent;
import org.drivermodel.linux.LinuxBus;
import org.drivermodel.shell.CommandService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code linux:list} and {@code linux:events}: the kernel's devices beside the model's mirror of
 * them, and the uevents received. The linux bus is optional: without it the commands answer ENODEV.
 */
@Component(service = LinuxCommands.class, property = {
        CommandService.SCOPE + "=linux",
        CommandService.FUNCTION + "=list",
        CommandService.FUNCTION + "=events" })
public final class LinuxCommands {
    private static final int DEFAULT_EVENTS = 20;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile LinuxBus linux;

    @Reference
    private DriverCore core;

    /** @return the bus's status, then each kernel device of the subsystems mirrored: its model device and driver */
    @Descriptor("list what the kernel has (from /sys), what the model mirrors, and which driver bound it")
    public String list() {
        LinuxBus bus = linux();
        Map<String, KernelDevice> kernel = new TreeMap<>();
        bus.kernelDevices().forEach(d -> kernel.put(d.devpath(), d));
        Map<String, String> mirrored = bus.mirrored();
        Map<String, Boolean> devpaths = new TreeMap<>();
        kernel.keySet().forEach(p -> devpaths.put(p, true));
        mirrored.keySet().forEach(p -> devpaths.put(p, true));
        Table t = new Table("SUBSYSTEM", "KERNEL", "DEVPATH", "MODEL", "DRIVER");
        for (String devpath : devpaths.keySet()) {
            KernelDevice k = kernel.get(devpath);
            String model = mirrored.get(devpath);
            t.row(k == null ? "-" : k.subsystem(), k == null ? "(gone)" : k.name(), devpath, model == null ? "-" : model,
                    model == null ? "-" : driverOf(model));
        }
        return "linux: " + bus.status() + "\n" + t;
    }

    private String driverOf(String model) {
        try {
            return core.device(LinuxBus.NAME + "/" + model).driver().orElse("-");
        } catch (DriverModelException goneMeanwhile) {
            return "-";
        }
    }

    /**
     * @param count how many (default 20, at most 256)
     * @return the last uevents received, oldest first, with what the bus did with each
     */
    @Descriptor("list the last uevents received from the kernel, and what the bus did with each")
    public String events(@Descriptor("how many, 1 to 256 (default 20)") int... count) {
        if (count != null && count.length > 1) {
            throw Arguments.wrong("linux:events", "[count]", java.util.Arrays.stream(count).mapToObj(String::valueOf).toArray(String[]::new));
        }
        int n = count == null || count.length == 0 ? DEFAULT_EVENTS : count[0];
        Table t = new Table("SEQNUM", "ACTION", "DEVPATH", "SUBSYSTEM", "HANDLED");
        for (KernelEvent e : linux().events(n)) {
            t.row(e.seqnum(), e.action(), e.devpath(), e.subsystem(), e.handling());
        }
        return t.toString();
    }

    /** @param args what {@code events} was given, if not a count. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String events(String... args) {
        throw Arguments.wrong("linux:events", "[count]", args);
    }

    private LinuxBus linux() {
        LinuxBus bus = linux;
        if (bus == null) {
            throw new DriverModelException(Errno.ENODEV, LinuxBus.NAME, "the linux bus is not running");
        }
        return bus;
    }
}
