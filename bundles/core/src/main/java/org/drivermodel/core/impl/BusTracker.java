package org.drivermodel.core.impl;

import org.drivermodel.api.Bus;
import org.drivermodel.error.DriverModelException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.Logger;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Brings {@link Bus} services into the model. {@code removedService} runs synchronously
 * inside the bus service's unregistration (the framework delivers UNREGISTERING before
 * {@code unregister()} returns), so by the time a bus bundle's stop returns, every device of
 * that bus has been unbound and removed.
 *
 * <p>Concurrency: the tracker's callbacks call the model and the bus with no core lock held.
 */
final class BusTracker extends ServiceTracker<Bus, Subsystem> {
    private final DeviceModel model;
    private final Logger log;

    BusTracker(BundleContext context, DeviceModel model, Logger log) {
        super(context, Bus.class, null);
        this.model = model;
        this.log = log;
    }

    @Override
    public Subsystem addingService(ServiceReference<Bus> reference) {
        Bus bus = context.getService(reference);
        if (bus == null) {
            return null;
        }
        long bundleId = reference.getBundle().getBundleId();
        Subsystem entry;
        try {
            entry = model.attachBus(bus, bundleId);
        } catch (DriverModelException e) {
            log.error("bus service {} of bundle {} refused: {}", reference.getProperty("service.id"), bundleId,
                    e.getMessage());
            context.ungetService(reference);
            return null;
        }
        try {
            bus.attach(entry);
        } catch (RuntimeException | LinkageError e) {
            log.error("bus {}: attach failed: {}", entry.name(), e.toString(), e);
            model.detachBus(entry);
            context.ungetService(reference);
            return null;
        }
        return entry;
    }

    @Override
    public void removedService(ServiceReference<Bus> reference, Subsystem entry) {
        model.detachBus(entry);
        context.ungetService(reference);
    }
}
