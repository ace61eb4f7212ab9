package org.drivermodel.core.impl;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.drivermodel.api.BundleAction;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * {@link BundleOps} on the running framework. An update or uninstall is followed by a refresh
 * of that bundle (and its dependents), waited for, so that the old generation's class loader
 * is let go when the command returns — the module is really unloaded.
 *
 * <p>Concurrency: stateless; calls the framework with no core lock held.
 */
final class FrameworkBundles implements BundleOps {
    /** How long a refresh may take before the command gives up waiting for it (it goes on). */
    static final long REFRESH_TIMEOUT_SECONDS = 60;

    private final BundleContext context;

    FrameworkBundles(BundleContext context) {
        this.context = context;
    }

    @Override
    public String describe(long bundleId) {
        Bundle b = context.getBundle(bundleId);
        return "bundle " + bundleId + (b == null || b.getSymbolicName() == null ? "" : " (" + b.getSymbolicName() + ")");
    }

    @Override
    public void apply(long bundleId, BundleAction action) {
        Bundle b = context.getBundle(bundleId);
        String name = describe(bundleId);
        if (b == null) {
            throw new DriverModelException(Errno.ENOENT, name, "no such bundle");
        }
        if (bundleId == 0 || bundleId == context.getBundle().getBundleId()) {
            throw new DriverModelException(Errno.EPERM, name, "the driver core will not " + action.name().toLowerCase()
                    + " the framework or itself");
        }
        try {
            switch (action) {
                case STOP -> b.stop();
                case UPDATE -> {
                    b.update();
                    refresh(b, name);
                }
                case UNINSTALL -> {
                    b.uninstall();
                    refresh(b, name);
                }
            }
        } catch (BundleException e) {
            throw new DriverModelException(Errno.EIO, name, action.name().toLowerCase() + " failed: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new DriverModelException(Errno.ENOENT, name, "was uninstalled meanwhile", e);
        } catch (SecurityException e) {
            throw new DriverModelException(Errno.EACCES, name, action.name().toLowerCase() + " not permitted", e);
        }
    }

    private void refresh(Bundle b, String name) {
        CountDownLatch done = new CountDownLatch(1);
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        wiring.refreshBundles(List.of(b), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            if (!done.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new DriverModelException(Errno.ETIMEDOUT, name, "refresh not finished after "
                        + REFRESH_TIMEOUT_SECONDS + " s; it goes on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverModelException(Errno.EINTR, name, "interrupted while waiting for the refresh; it goes on", e);
        }
    }
}
