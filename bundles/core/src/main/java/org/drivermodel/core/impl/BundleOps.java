package org.drivermodel.core.impl;

import org.drivermodel.api.BundleAction;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * What the model may do to bundles, for {@link org.drivermodel.api.DriverCore#manage}: the
 * framework side of the management commands, kept out of the model so that it stays plain Java.
 */
interface BundleOps {

    /** No framework: every operation is refused with EPERM. */
    BundleOps NONE = new BundleOps() {
        @Override
        public String describe(long bundleId) {
            return "bundle " + bundleId;
        }

        @Override
        public void apply(long bundleId, BundleAction action) {
            throw new DriverModelException(Errno.EPERM, describe(bundleId), "no framework to " + action.name().toLowerCase()
                    + " it");
        }
    };

    /** @return how reports name the bundle, e.g. {@code bundle 12 (org.example.consumer)} */
    String describe(long bundleId);

    /**
     * Stops, updates or uninstalls a bundle. Context: no core lock held; blocks for as long as
     * the framework operation (a stop waits for the driver's unbinding).
     *
     * @throws DriverModelException ENOENT if there is no such bundle, EPERM for the system or
     *         core bundle, EIO if the framework refused
     */
    void apply(long bundleId, BundleAction action);
}
