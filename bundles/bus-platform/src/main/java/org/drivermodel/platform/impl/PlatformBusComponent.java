package org.drivermodel.platform.impl;

import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.drivermodel.api.Bus;
import org.drivermodel.api.BusContext;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.platform.PlatformDevices;
import org.drivermodel.platform.PlatformMatch;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The platform bus: the {@link Bus} whose devices are the factory configurations of
 * {@value PlatformDevices#FACTORY_PID}, which it receives as a {@link ManagedServiceFactory}.
 *
 * <p>Concurrency: {@link #hotplug} serialises configuration events and the enumeration at attach
 * (as vbus's), and guards {@link #declared}, {@link #byName} and {@link #context}; it is held
 * while calling the core (adding or removing a device), never while the core calls this bus:
 * {@link #match} takes no lock. Configuration Admin calls a factory from one thread at a time.
 */
@Component(service = Bus.class, immediate = true)
public final class PlatformBusComponent implements Bus, ManagedServiceFactory {

    @Reference(service = LoggerFactory.class)
    private Logger log;

    private final ReentrantLock hotplug = new ReentrantLock();
    private final Map<String, DeviceDeclaration> declared = new LinkedHashMap<>(); /* guarded by hotplug; by configuration PID */
    private final Map<String, String> byName = new HashMap<>(); /* guarded by hotplug; device name to PID */
    private BusContext context; /* guarded by hotplug */
    private ServiceRegistration<ManagedServiceFactory> factory;

    @Activate
    void activate(BundleContext bundleContext) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_PID, PlatformDevices.FACTORY_PID);
        factory = bundleContext.registerService(ManagedServiceFactory.class, this, props);
    }

    @Deactivate
    void deactivate() {
        factory.unregister();
    }

    @Override
    public String name() {
        return PlatformDevices.BUS;
    }

    @Override
    public String getName() {
        return "drivermodel platform devices";
    }

    @Override
    public void attach(BusContext newContext) {
        hotplug.lock();
        try {
            context = newContext;
            declared.values().forEach(this::report);
        } finally {
            hotplug.unlock();
        }
    }

    /**
     * The device's uevent variables, as Linux's {@code platform_uevent} with a device-tree node
     * ({@code of_device_uevent}): {@code OF_NAME}, {@code OF_COMPATIBLE_0}, {@code OF_COMPATIBLE_N}
     * and {@code MODALIAS=of:N<name>T(null)C<compatible>}.
     */
    @Override
    public Map<String, String> uevent(Device device) {
        String compatible = device.property(PlatformDevices.COMPATIBLE);
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("OF_NAME", device.name());
        if (compatible != null) {
            vars.put("OF_COMPATIBLE_0", compatible);
            vars.put("OF_COMPATIBLE_N", "1");
        }
        vars.put("MODALIAS", "of:N" + device.name() + "T(null)" + (compatible == null ? "" : "C" + compatible));
        return vars;
    }

    @Override
    public boolean match(Device device, DriverInfo driver) {
        String compatible = device.property(PlatformDevices.COMPATIBLE);
        Object table = driver.properties().get(PlatformMatch.PROPERTY);
        if (compatible == null || table == null) {
            return false;
        }
        if (table instanceof String s) {
            return s.equals(compatible);
        }
        if (table instanceof String[] a) {
            return List.of(a).contains(compatible);
        }
        return table instanceof Collection<?> c && c.contains(compatible);
    }

    /** A configuration was created or changed: the device is added, or removed and added again. */
    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        DeviceDeclaration d;
        try {
            d = DeviceDeclaration.from(pid, properties);
        } catch (DriverModelException e) {
            log.error("platform device not created: {}", e.getMessage());
            deleted(pid); // a configuration that became invalid no longer declares its device
            return;
        }
        hotplug.lock();
        try {
            if (d.equals(declared.get(pid))) {
                return;
            }
            String other = byName.get(d.name());
            if (other != null && !other.equals(pid)) {
                log.error("platform device not created: {}", new DriverModelException(Errno.EEXIST,
                        "configuration " + pid + ": " + PlatformDevices.NAME,
                        "device '" + d.name() + "' is declared already by configuration " + other).getMessage());
                return;
            }
            DeviceDeclaration old = declared.remove(pid);
            if (old != null) {
                byName.remove(old.name());
                unreport(old);
            }
            declared.put(pid, d);
            byName.put(d.name(), pid);
            report(d);
            log.info("platform device {}: declared by {} ({})", d.name(), pid, d.compatible());
        } finally {
            hotplug.unlock();
        }
    }

    /** A configuration was deleted: hot unplug. */
    @Override
    public void deleted(String pid) {
        hotplug.lock();
        try {
            DeviceDeclaration old = declared.remove(pid);
            if (old != null) {
                byName.remove(old.name());
                unreport(old);
                log.info("platform device {}: removed with its configuration {}", old.name(), pid);
            }
        } finally {
            hotplug.unlock();
        }
    }

    /** Context: {@link #hotplug} held. */
    private void report(DeviceDeclaration d) {
        if (context == null) {
            return;
        }
        try {
            context.addDevice(d.name(), d.properties());
        } catch (DriverModelException e) {
            // ENODEV: the bus is being detached; the device is enumerated at the next attach
            log.debug("platform device {}: {}", d.name(), e.getMessage());
        }
    }

    /** Context: {@link #hotplug} held. */
    private void unreport(DeviceDeclaration d) {
        if (context == null) {
            return;
        }
        try {
            context.removeDevice(d.name());
        } catch (DriverModelException e) {
            log.debug("platform device {}: {}", d.name(), e.getMessage());
        }
    }
}
