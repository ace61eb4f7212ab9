package org.drivermodel.webconsole.impl;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.BundleAction;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.vbus.VirtualBus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * The page's actions, each the very API call the shell command of the same name makes, so that
 * the page is refused exactly where the shell is and with the same error: the rules (EBUSY on a
 * pinned binding unless forced, EINVAL for a malformed vbus id, ENOENT for an unknown device,
 * ...) live in the core and the bus, not here. Only the lookups the shell does before its call
 * (a driver by name, a bundle by name or id) are done here, with the shell's errors.
 *
 * <p>Every action answers a line of text, as the shell command does, or throws the
 * {@link DriverModelException} of its refusal; a refused action changed nothing.
 *
 * <p>Thread-safety: stateless; the core and the bus are thread-safe.
 */
final class Actions {

    /** The names of the actions, as the page posts them in {@code action}. */
    static final List<String> NAMES = List.of("bind", "unbind", "override", "plug", "unplug", "stop", "start", "write");

    private final DriverCore core;
    private final Supplier<VirtualBus> vbus;
    private final BundleContext context;

    Actions(DriverCore core, Supplier<VirtualBus> vbus, BundleContext context) {
        this.core = core;
        this.vbus = vbus;
        this.context = context;
    }

    /**
     * Runs an action.
     *
     * @param action one of {@link #NAMES}
     * @param param  the request's parameters (null when absent)
     * @return what was done, as the shell says it
     * @throws DriverModelException EINVAL for an unknown action or a missing parameter, and
     *         whatever the model refuses the action with
     */
    String run(String action, Function<String, String> param) {
        if (action == null || !NAMES.contains(action)) {
            throw new DriverModelException(Errno.EINVAL, "action '" + DriverModelException.quote(String.valueOf(action)) + "'",
                    "unknown action (one of " + String.join(", ", NAMES) + ")");
        }
        return switch (action) {
            case "bind" -> {
                String[] d = busAndName(required(param, "driver"));
                String device = required(param, "device");
                core.bind(d[0], d[1], device);
                yield "bound " + device + " to " + d[0] + "/" + d[1];
            }
            case "unbind" -> {
                String[] d = busAndName(required(param, "driver"));
                String device = required(param, "device");
                core.unbind(d[0], d[1], device);
                yield "unbound " + device + " from " + d[0] + "/" + d[1];
            }
            case "override" -> {
                String device = required(param, "device");
                String driver = param.apply("driver");
                core.setDriverOverride(device, driver == null ? "" : driver);
                yield driver == null || driver.isEmpty() ? "cleared the driver override of " + device
                        : "driver_override of " + device + " set to " + driver;
            }
            case "plug" -> {
                String name = bus().plug(required(param, "id"));
                String bound;
                try {
                    Device d = core.device(VirtualBus.NAME + "/" + name);
                    bound = d.driver().map(drv -> "bound to " + drv).orElse("no driver");
                } catch (DriverModelException e) {
                    bound = "not in the device tree (" + e.errno() + ")";
                }
                yield "plugged " + name + ": " + bound;
            }
            case "unplug" -> {
                String name = required(param, "device");
                bus().unplug(name);
                yield "unplugged " + name;
            }
            case "stop" -> stop(required(param, "driver"), "true".equals(param.apply("force")));
            case "start" -> start(required(param, "bundle"));
            case "write" -> {
                String path = required(param, "path");
                String value = required(param, "value");
                try (AttributeFile f = core.open(path)) {
                    f.write(value + "\n");
                }
                yield "wrote " + value + " to " + path;
            }
            default -> throw new AssertionError(action);
        };
    }

    /** {@code driver:stop [-f] <driver>}: the core stops the driver's bundle, honouring pins unless forced. */
    private String stop(String driver, boolean force) {
        List<DriverInfo> found = core.drivers().stream().filter(d -> d.name().equals(driver)).toList();
        if (found.isEmpty()) {
            throw new DriverModelException(Errno.ENOENT, "driver " + DriverModelException.quote(driver), "no such driver");
        }
        if (found.stream().map(DriverInfo::bundleId).distinct().count() > 1) {
            throw new DriverModelException(Errno.EINVAL, "driver " + DriverModelException.quote(driver),
                    "ambiguous: registered by bundles " + found.stream().map(DriverInfo::bundleId).toList());
        }
        DriverInfo d = found.get(0);
        Bundle bundle = context.getBundle(d.bundleId());
        String name = bundle == null ? "bundle " + d.bundleId() : bundle.getSymbolicName() + " [" + d.bundleId() + "]";
        long bound = found.stream().mapToLong(x -> core.boundDevices(x.bus(), x.name()).size()).sum();
        core.manage(d.bus(), d.name(), BundleAction.STOP, force);
        return "stopped " + name + ": " + bound + " device(s) unbound" + (force ? " (forced)" : "");
    }

    /** {@code driver:start <bundle>}: starts a (driver) bundle by symbolic name or id. */
    private String start(String name) {
        Bundle bundle = null;
        for (Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName()) || name.equals(Long.toString(b.getBundleId()))) {
                bundle = b;
                break;
            }
        }
        if (bundle == null) {
            throw new DriverModelException(Errno.ENOENT, "bundle '" + DriverModelException.quote(name) + "'", "no such bundle");
        }
        try {
            bundle.start();
        } catch (BundleException e) {
            throw new DriverModelException(Errno.EIO, bundle.getSymbolicName(), "start failed: " + e.getMessage(), e);
        }
        return "started " + bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
    }

    private VirtualBus bus() {
        VirtualBus bus = vbus.get();
        if (bus == null) {
            throw new DriverModelException(Errno.ENODEV, VirtualBus.NAME, "the virtual bus is not running");
        }
        return bus;
    }

    private static String required(Function<String, String> param, String name) {
        String v = param.apply(name);
        if (v == null || v.isEmpty()) {
            throw new DriverModelException(Errno.EINVAL, "parameter " + name, "missing");
        }
        return v;
    }

    private static String[] busAndName(String driver) {
        String[] parts = driver.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new DriverModelException(Errno.EINVAL, "driver '" + DriverModelException.quote(driver) + "'", "expected <bus>/<driver>");
        }
        return parts;
    }
}
