package org.drivermodel.shell.impl;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drivermodel.api.BundleAction;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.shell.ArgumentKind;
import org.drivermodel.shell.CommandService;
import org.drivermodel.shell.Completes;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code driver:list}, {@code driver:stop}, {@code driver:update}, {@code driver:uninstall} and
 * {@code driver:start}: drivers, and their bundles as the modules they are. Stopping a driver
 * bundle is unloading a module: its devices are unbound before the stop returns. Stop, update
 * and uninstall honour usage pins (EBUSY naming the pin) unless forced.
 */
@Component(service = DriverCommands.class, property = {
        CommandService.SCOPE + "=driver",
        CommandService.FUNCTION + "=list",
        CommandService.FUNCTION + "=stop",
        CommandService.FUNCTION + "=update",
        CommandService.FUNCTION + "=uninstall",
        CommandService.FUNCTION + "=start",
        CommandService.FUNCTION + "=wait",
        CommandService.FUNCTION + "=bind",
        CommandService.FUNCTION + "=unbind" })
public final class DriverCommands {

    @Reference
    private DriverCore core;

    private BundleContext context;

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    /** @return every driver with its bus, bundle and bound devices */
    @Descriptor("list every driver: bus, name, bundle, bound devices")
    public String list() {
        Table t = new Table("BUS", "DRIVER", "BUNDLE", "DEVICES");
        for (DriverInfo d : core.drivers()) {
            t.row(d.bus(), d.name(), d.bundleId(), names(core.boundDevices(d.bus(), d.name())));
        }
        return t.toString();
    }

    /**
     * @param force  go on although pins are held
     * @param driver a driver name
     * @return what was stopped and unbound
     */
    @Descriptor("stop the bundle of a driver (unload the module): its devices are unbound before this returns;"
            + " refused with EBUSY while a binding is pinned, unless forced")
    public String stop(
            @Descriptor("stop although bindings are pinned (their pins are revoked)")
            @Parameter(names = { "-f", "--force" }, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("the driver name, e.g. vled") @Completes(ArgumentKind.DRIVER) String driver) {
        return manage(BundleAction.STOP, force, driver);
    }

    /**
     * @param force  go on although pins are held
     * @param driver a driver name
     * @return what was updated
     */
    @Descriptor("update the bundle of a driver and refresh it: the old generation is unbound and drained,"
            + " the new one binds; refused with EBUSY while a binding is pinned, unless forced")
    public String update(
            @Descriptor("update although bindings are pinned (their pins are revoked)")
            @Parameter(names = { "-f", "--force" }, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("the driver name, e.g. vled") @Completes(ArgumentKind.DRIVER) String driver) {
        return manage(BundleAction.UPDATE, force, driver);
    }

    /**
     * @param force  go on although pins are held
     * @param driver a driver name
     * @return what was uninstalled
     */
    @Descriptor("uninstall the bundle of a driver and refresh: its devices are unbound first;"
            + " refused with EBUSY while a binding is pinned, unless forced")
    public String uninstall(
            @Descriptor("uninstall although bindings are pinned (their pins are revoked)")
            @Parameter(names = { "-f", "--force" }, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("the driver name, e.g. vled") @Completes(ArgumentKind.DRIVER) String driver) {
        return manage(BundleAction.UNINSTALL, force, driver);
    }

    /**
     * {@code driver:stop}, {@code driver:update} and {@code driver:uninstall}: finds the driver's
     * bundle, has the core do the action to it (pins honoured unless forced) and says what was done.
     */
    private String manage(BundleAction action, boolean force, String driver) {
        List<DriverInfo> found = core.drivers().stream().filter(d -> d.name().equals(driver)).toList();
        if (found.isEmpty()) {
            throw new DriverModelException(Errno.ENOENT, "driver " + DriverModelException.quote(String.valueOf(driver)),
                    "no such driver");
        }
        if (found.stream().map(DriverInfo::bundleId).distinct().count() > 1) {
            throw new DriverModelException(Errno.EINVAL, "driver " + DriverModelException.quote(driver),
                    "ambiguous: registered by bundles " + found.stream().map(DriverInfo::bundleId).toList());
        }
        DriverInfo d = found.get(0);
        Bundle bundle = context.getBundle(d.bundleId());
        String name = bundle == null ? "bundle " + d.bundleId() : bundle.getSymbolicName() + " [" + d.bundleId() + "]";
        long bound = found.stream().mapToLong(x -> core.boundDevices(x.bus(), x.name()).size()).sum();
        core.manage(d.bus(), d.name(), action, force);
        return done(action) + " " + name + ": " + bound + " device(s) unbound" + (force ? " (forced)" : "");
    }

    /** @return the action done, as the command's answer begins */
    private static String done(BundleAction action) {
        return switch (action) {
            case STOP -> "stopped";
            case UPDATE -> "updated";
            case UNINSTALL -> "uninstalled";
        };
    }

    /**
     * @param gone    wait for the driver to be gone instead
     * @param driver  a driver name
     * @param seconds how long to wait at most
     * @return the driver's state when the wait ended
     */
    @Descriptor("wait until a driver is registered (or, with -g, gone), as a driver jar dropped into or deleted"
            + " from deploy/ is picked up a moment later; ETIMEDOUT otherwise")
    public String wait(
            @Descriptor("wait until the driver is gone")
            @Parameter(names = { "-g", "--gone" }, presentValue = "true", absentValue = "false") boolean gone,
            @Descriptor("the driver name, e.g. vled") @Completes(ArgumentKind.DRIVER) String driver,
            @Descriptor("how long to wait at most, in seconds (1 to 300)") int seconds) throws InterruptedException {
        if (seconds < 1 || seconds > 300) {
            throw new DriverModelException(Errno.EINVAL, "driver:wait", "seconds must be 1 to 300, is " + seconds);
        }
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        for (;;) {
            List<DriverInfo> found = core.drivers().stream().filter(d -> d.name().equals(driver)).toList();
            if (found.isEmpty() == gone) {
                return gone ? "driver " + driver + ": gone"
                        : "driver " + driver + ": registered, bound " + names(core.boundDevices(found.get(0).bus(), driver));
            }
            if (System.nanoTime() > end) {
                throw new DriverModelException(Errno.ETIMEDOUT, "driver " + DriverModelException.quote(String.valueOf(driver)),
                        (gone ? "still registered" : "not registered") + " after " + seconds + " s");
            }
            Thread.sleep(10);
        }
    }

    /**
     * @param bundleName a bundle's symbolic name or id
     * @return the drivers it registered and what they bound
     */
    @Descriptor("start a driver bundle (load the module): its drivers bind to waiting devices")
    public String start(@Descriptor("the bundle's symbolic name or id, e.g. org.drivermodel.driver-vled") @Completes(ArgumentKind.DRIVER_BUNDLE) String bundleName) {
        Bundle bundle = findBundle(bundleName);
        try {
            bundle.start();
        } catch (BundleException e) {
            throw new DriverModelException(Errno.EIO, bundle.getSymbolicName(), "start failed: " + e.getMessage(), e);
        }
        StringBuilder b = new StringBuilder("started " + bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]");
        for (DriverInfo d : core.drivers()) {
            if (d.bundleId() == bundle.getBundleId()) {
                b.append("\n  driver ").append(d.bus()).append('/').append(d.name()).append(": bound ")
                        .append(names(core.boundDevices(d.bus(), d.name())));
            }
        }
        return b.toString();
    }

    /**
     * @param driver bus/driver
     * @param device the device name on that bus
     * @return a confirmation
     */
    @Descriptor("bind a driver to a device by hand (Linux: echo <dev> > /sys/bus/<bus>/drivers/<drv>/bind)")
    public String bind(@Descriptor("the driver: <bus>/<driver>, e.g. vbus/vled") @Completes(ArgumentKind.BUS_DRIVER) String driver,
            @Descriptor("the device name on that bus, e.g. 1209:0001.1") @Completes(ArgumentKind.DEVICE_NAME) String device) {
        String[] d = busAndName(driver);
        core.bind(d[0], d[1], device);
        return "bound " + device + " to " + driver;
    }

    /**
     * @param driver bus/driver
     * @param device the device name on that bus
     * @return a confirmation
     */
    @Descriptor("unbind a driver from a device by hand; the device stays unbound")
    public String unbind(@Descriptor("the driver: <bus>/<driver>, e.g. vbus/vled") @Completes(ArgumentKind.BUS_DRIVER) String driver,
            @Descriptor("the device name on that bus, e.g. 1209:0001.1") @Completes(ArgumentKind.DEVICE_NAME) String device) {
        String[] d = busAndName(driver);
        core.unbind(d[0], d[1], device);
        return "unbound " + device + " from " + driver;
    }

    private static String[] busAndName(String driver) {
        String[] parts = driver == null ? new String[0] : driver.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new DriverModelException(Errno.EINVAL, "driver '" + driver + "'", "expected <bus>/<driver>");
        }
        return parts;
    }

    private Bundle findBundle(String name) {
        for (Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName()) || name.equals(Long.toString(b.getBundleId()))) {
                return b;
            }
        }
        throw new DriverModelException(Errno.ENOENT, "bundle '" + name + "'", "no such bundle");
    }

    private static String names(List<Device> devices) {
        return devices.isEmpty() ? "-" : String.join(",", devices.stream().map(Device::name).toList());
    }

    /** @param args what {@code bind} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String bind(String... args) {
        throw Arguments.wrong("driver:bind", "<bus>/<driver> <device>", args);
    }

    /** @param args what {@code unbind} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String unbind(String... args) {
        throw Arguments.wrong("driver:unbind", "<bus>/<driver> <device>", args);
    }

    /** @param args what {@code start} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String start(String... args) {
        throw Arguments.wrong("driver:start", "<bundle>", args);
    }
}
