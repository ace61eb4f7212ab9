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
final class BusTracker extends ServiceTracker<Bus, BusHandle> {
    private final DeviceModel model;
    private final Logger log;

    BusTracker(BundleContext context, DeviceModel model, Logger log) {
        super(context, Bus.class, null);
        this.model = model;
        this.log = log;
    }

    @Override
    public BusHandle addingService(ServiceReference<Bus> reference) {
        Bus bus = context.getService(reference);
        if (bus == null) {
            return null;
        }
        long bundleId = reference.getBundle().getBundleId();
        BusHandle entry;
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
        } catch (Throwable t) { // bus code: contained, the bus is detached again
            log.error("bus {}: attach failed: {}", entry.subsystem().name(), DriverCall.describe(t));
            model.detachBus(entry);
            context.ungetService(reference);
            return null;
        }
        return entry;
    }

    @Override
    public void removedService(ServiceReference<Bus> reference, BusHandle entry) {
        try {
            model.detachBus(entry);
        } finally {
            context.ungetService(reference);
        }
    }
}
