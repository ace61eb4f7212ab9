package org.drivermodel.core.impl;

import java.util.Map;

import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The driver core as a Declarative Services component: it creates the model, opens the bus
 * and driver trackers, and registers the {@link DriverCore} service.
 *
 * <p>The service is a {@link CoreServiceFactory}: what each bundle acquires through it is
 * accounted to that bundle. On deactivation (the core bundle stopping) it unregisters the
 * service (releasing what client bundles still held), then closes the
 * driver tracker (every device unbound) and then the bus tracker (every device removed):
 * drivers go before their buses, as in Linux. A {@link StoppedBundleScan} names the threads
 * still running a driver bundle's code after it stopped.
 */
@Component(immediate = true, configurationPid = CoreSettings.PID)
public final class DriverCoreComponent {

    @Reference(service = LoggerFactory.class)
    private Logger log;

    private BusTracker buses;
    private DriverTracker drivers;
    private ServiceRegistration<DriverCore> registration;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private DeviceModel model;
    private UeventQueue uevents;
    private StoppedBundleScan stoppedBundles;
    private LoaderWatch loaders;
    private BundleContext context;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        uevents = new UeventQueue(() -> eventAdmin, log);
        model = new DeviceModel(log, settings(properties, CoreSettings.DEFAULTS), System::nanoTime, uevents);
        this.context = context;
        loaders = new LoaderWatch(model.usage().leaks(), () -> model.settings().releaseTimeout());
        context.addFrameworkListener(loaders);
        stoppedBundles = new StoppedBundleScan(model.usage().leaks(), loaders);
        context.addBundleListener(stoppedBundles);
        // before the trackers open: drivers found at once are named with their bundle's symbolic name
        model.usage().useBundles(new FrameworkBundles(context));
        buses = new BusTracker(context, model, log);
        drivers = new DriverTracker(context, model, log, stoppedBundles);
        buses.open();
        drivers.open();
        // bundle-scoped: each client bundle gets its own facade, accounted to it
        registration = context.registerService(DriverCore.class, new CoreServiceFactory(model), null);
        log.info("driver core started");
    }

    /** A changed configuration applies at once, with no unbinding. */
    @Modified
    void modified(Map<String, Object> properties) {
        CoreSettings now = settings(properties, null);
        if (now != null) {
            model.configure(now);
        }
    }

    /** @return the settings, or {@code fallback} (logged) if the configuration is invalid */
    private CoreSettings settings(Map<String, Object> properties, CoreSettings fallback) {
        try {
            return CoreSettings.from(properties);
        } catch (DriverModelException e) {
            log.error("{}: configuration ignored, settings unchanged", e.getMessage());
            return fallback;
        }
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        drivers.close();
        buses.close();
        model.close();
        uevents.close();
        context.removeBundleListener(stoppedBundles);
        context.removeFrameworkListener(loaders);
        loaders.close();
        log.info("driver core stopped");
    }
}
