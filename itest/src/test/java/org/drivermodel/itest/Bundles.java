package org.drivermodel.itest;

import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/** The bundles of the framework under test: finding, restoring, naming, refreshing, and their class loaders. */
final class Bundles {
    private Bundles() {
    }

    /**
     * @return the installed bundle with that symbolic name
     * @throws AssertionError if there is none
     */
    static Bundle installed(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    /** Starts the bundle unless it is active: a tear-down's restoring of what a test stopped. */
    static void startIfStopped(Bundle b) throws BundleException {
        if (b.getState() != Bundle.ACTIVE) {
            b.start();
        }
    }

    /** @return how the core's lifetime report names a bundle: {@code bundle <id> (<symbolic name>)} */
    static String reportName(Bundle b) {
        return "bundle " + b.getBundleId() + " (" + b.getSymbolicName() + ")";
    }

    /** Refreshes the bundle, failing unless the refresh has completed within {@code seconds}. */
    static void refresh(BundleContext context, Bundle b, long seconds) throws InterruptedException {
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class).refreshBundles(List.of(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        assertTrue("refresh within " + seconds + " s", refreshed.await(seconds, TimeUnit.SECONDS));
    }

    /** @return a weak reference to the bundle's class loader; made here, so no frame of the test keeps it */
    static WeakReference<ClassLoader> loaderOf(Bundle b) {
        return new WeakReference<>(b.adapt(BundleWiring.class).getClassLoader());
    }

    /** Collects garbage until the loader is collected or {@code seconds} have passed. */
    static boolean collected(WeakReference<ClassLoader> loader, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (;;) {
            System.gc();
            if (loader.get() == null) {
                return true;
            }
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            Thread.sleep(20); // reference processing runs on its own thread
        }
    }
}
