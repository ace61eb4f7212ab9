package org.drivermodel.core.impl;

import org.drivermodel.api.DriverCore;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;

/**
 * Gives each bundle its own {@link CoreFacade}, and releases what the bundle left behind when
 * the framework ungets the service for it (the bundle stopping, or letting go of the service).
 *
 * <p>Concurrency: stateless; the framework calls it from any thread.
 */
final class CoreServiceFactory implements ServiceFactory<DriverCore> {
    private final DeviceModel model;

    CoreServiceFactory(DeviceModel model) {
        this.model = model;
    }

    @Override
    public DriverCore getService(Bundle bundle, ServiceRegistration<DriverCore> registration) {
        return new CoreFacade(model, model.usage().bundles().describe(bundle.getBundleId()));
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<DriverCore> registration, DriverCore service) {
        ((CoreFacade) service).release();
    }
}
