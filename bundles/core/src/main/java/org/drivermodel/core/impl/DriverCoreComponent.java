package org.drivermodel.core.impl;

import org.drivermodel.api.DriverCore;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The driver core as a Declarative Services component: it creates the model, opens the bus
 * and driver trackers, and registers the {@link DriverCore} service.
 *
 * <p>On deactivation (the core bundle stopping) it unregisters the service, then closes the
 * driver tracker (every device unbound) and then the bus tracker (every device removed):
 * drivers go before their buses, as in Linux.
 */
@Component(immediate = true)
public final class DriverCoreComponent {

    @Reference(service = LoggerFactory.class)
    private Logger log;

    private BusTracker buses;
    private DriverTracker drivers;
    private ServiceRegistration<DriverCore> registration;

    @Activate
    void activate(BundleContext context) {
        DeviceModel model = new DeviceModel(log);
        buses = new BusTracker(context, model, log);
        drivers = new DriverTracker(context, model, log);
        buses.open();
        drivers.open();
        registration = context.registerService(DriverCore.class, model, null);
        log.info("driver core started");
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        drivers.close();
        buses.close();
        log.info("driver core stopped");
    }
}
