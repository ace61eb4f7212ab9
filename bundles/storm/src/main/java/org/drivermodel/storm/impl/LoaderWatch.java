package org.drivermodel.storm.impl;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The class loaders of the driver generations the storm retired (by an update or an uninstall),
 * held weakly: after the final refresh and a garbage collection each must be gone, or something
 * still holds an object of an unloaded module.
 *
 * <p>Concurrency: confined to the storm's event thread.
 */
final class LoaderWatch {
    /** Pause between collections: reference processing runs on a thread of its own. */
    static final long GC_PAUSE_MILLIS = 20;

    private final List<WeakReference<ClassLoader>> retired = new ArrayList<>();

    /**
     * Takes the current generation's class loader, about to be retired, if the bundle is resolved.
     *
     * @param b a driver bundle about to be updated or uninstalled
     */
    void retire(Bundle b) {
        BundleWiring w = b.adapt(BundleWiring.class);
        ClassLoader loader = w == null ? null : w.getClassLoader();
        if (loader == null) {
            return; // not resolved: no generation of its code is loaded
        }
        for (WeakReference<ClassLoader> r : retired) {
            if (r.get() == loader) {
                return;
            }
        }
        retired.add(new WeakReference<>(loader));
    }

    /** @return how many generations were retired */
    int retired() {
        return retired.size();
    }

    /**
     * Collects garbage until every retired loader is gone or the deadline passes.
     *
     * @return how many retired loaders were collected
     */
    int collect(long timeout, TimeUnit unit) throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            int alive = 0;
            for (WeakReference<ClassLoader> r : retired) {
                if (r.get() != null) {
                    alive++;
                }
            }
            if (alive == 0 || System.nanoTime() - end > 0) {
                return retired.size() - alive;
            }
            System.gc();
            Thread.sleep(GC_PAUSE_MILLIS);
        }
    }
}
