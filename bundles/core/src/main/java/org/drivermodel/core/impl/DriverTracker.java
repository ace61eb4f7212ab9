package org.drivermodel.core.impl;

import java.util.HashMap;
import java.util.Map;

import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.Logger;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Brings {@link Driver} services into the model. {@code removedService} runs synchronously
 * inside the driver service's unregistration — when its bundle stops, updates or is
 * uninstalled, before Declarative Services deactivates the component — and returns only
 * after every device bound to the driver has been unbound: a bundle stop is a module unload.
 * Unbinding revokes the usage pins on its bindings, drains the driver's attribute files (threads
 * inside them hold the stop, up to {@code drain.timeout.ms} for each device), runs the upper
 * layers' disconnects, calls its {@code remove} and releases its managed resources — the class
 * devices it registered among them, whose references are revoked and waited for (up to
 * {@code release.timeout.ms}). A device lock held by a probe stuck in driver code is waited for
 * up to {@code drain.timeout.ms}; then that binding is left to end when the probe returns. What
 * outlives a deadline is reclaimed and named in the lifetime report, and the stop goes on; the
 * driver code the stopping thread runs itself ({@code remove}, disconnects, releases) is waited
 * for (docs/design.md §1.4). What the driver's bundle itself still holds through the core is
 * released when the framework ungets its {@link CoreFacade}, later in the same stop.
 *
 * <p>Concurrency: the tracker's callbacks call the model with no core lock held.
 */
final class DriverTracker extends ServiceTracker<Driver, DriverEntry> {
    private final DeviceModel model;
    private final Logger log;
    private final StoppedBundleScan stoppedBundles;

    DriverTracker(BundleContext context, DeviceModel model, Logger log, StoppedBundleScan stoppedBundles) {
        super(context, Driver.class, null);
        this.model = model;
        this.log = log;
        this.stoppedBundles = stoppedBundles;
    }

    @Override
    public DriverEntry addingService(ServiceReference<Driver> reference) {
        long bundleId = reference.getBundle().getBundleId();
        DriverInfo info;
        try {
            info = describe(reference, bundleId);
        } catch (DriverModelException e) {
            log.error("driver service {} of bundle {} ignored: {}", reference.getProperty("service.id"), bundleId,
                    e.getMessage());
            return null;
        }
        Driver driver = context.getService(reference);
        if (driver == null) {
            return null;
        }
        stoppedBundles.watch(bundleId, driver.getClass().getName()); // its stop is scanned for threads left in its code
        try {
            return model.addDriver(info, driver);
        } catch (DriverModelException e) {
            log.error("driver service {} of bundle {} refused: {}", reference.getProperty("service.id"), bundleId,
                    e.getMessage());
            context.ungetService(reference);
            return null;
        }
    }

    @Override
    public void removedService(ServiceReference<Driver> reference, DriverEntry entry) {
        try {
            model.removeDriver(entry);
        } finally {
            context.ungetService(reference);
        }
    }

    /**
     * The driver's description, its service properties copied into JDK values: arrays and
     * collections become lists, each element checked. A driver's own object in a property (a list
     * whose elements throw when read, say) would run the driver's code at every match and keep its
     * class loader; such a driver is refused here, with EINVAL naming the property.
     */
    private static DriverInfo describe(ServiceReference<Driver> reference, long bundleId) {
        Map<String, Object> props = new HashMap<>();
        String what0 = "driver service " + reference.getProperty("service.id") + " of bundle " + bundleId;
        for (String key : reference.getPropertyKeys()) {
            props.put(key, PropertyValues.copy(what0, key, reference.getProperty(key)));
        }
        String what = "driver service " + props.get("service.id") + " of bundle " + bundleId;
        return new DriverInfo(requireString(props, DriverBinding.DRIVER, what),
                requireString(props, DriverBinding.BUS, what), bundleId, props);
    }

    private static String requireString(Map<String, Object> props, String key, String what) {
        Object value = props.get(key);
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new DriverModelException(Errno.EINVAL, what, "service property " + key + " must be a non-empty string, is "
                    + (value == null ? "missing" : value.getClass().getSimpleName() + " '" + value + "'"));
        }
        return s;
    }
}
