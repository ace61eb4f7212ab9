package org.drivermodel.testkit.unload.impl;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Uninstalls a stopped bundle, refreshes it and waits for its class loader to be collected.
 *
 * <p>Concurrency: called by the proof's thread; the refresh's listener runs on the framework's
 * thread and only counts down a latch.
 */
public final class LoaderCollection {
    /** Between collections: lets the reference handler thread clear the weak reference. */
    private static final long GC_PAUSE_MS = 20;

    private LoaderCollection() {
    }

    /**
     * Uninstalls the bundle and refreshes it, waiting for the refresh to end.
     *
     * @return null if it ended within the deadline, else what happened
     */
    public static String uninstallAndRefresh(BundleContext context, Bundle bundle, Duration deadline)
            throws InterruptedException {
        try {
            bundle.uninstall();
        } catch (BundleException e) {
            return "the uninstall failed: " + e;
        }
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(org.osgi.framework.Constants.SYSTEM_BUNDLE_ID).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        if (!refreshed.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            return "the refresh did not end within " + deadline.toMillis() + " ms";
        }
        return null;
    }

    /**
     * Collects garbage until the loader is collected or the deadline passes.
     *
     * @return whether it was collected
     */
    public static boolean collected(WeakReference<ClassLoader> loader, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            System.gc();
            if (loader.get() == null) {
                return true;
            }
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(GC_PAUSE_MS); // reference processing runs on its own thread
        }
    }
}
