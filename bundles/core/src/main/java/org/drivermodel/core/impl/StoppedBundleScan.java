package org.drivermodel.core.impl;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.lifetime.primitives.OwnerFrames;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleWiring;

/**
 * At the stop of a bundle that registered a driver, looks for threads still running its code —
 * a thread it started and never stopped, or one stuck in it — and names them in the lifetime
 * report ({@link Leak.Kind#THREAD}): code running in an unloaded module. A frame is the bundle's
 * when its class file is one of the bundle's own entries ({@link Bundle#getEntry}, which loads
 * nothing; a lambda's frame counts as its class's, see {@link OwnerFrames}); a thread with no such frame is the bundle's when its context class loader or its own
 * class is the bundle's (an idle executor worker the driver started in its probe, which ran with
 * the driver's loader as context loader). The bundle's loader is then handed to the
 * {@link LoaderWatch}, which checks that it is collected once the bundle is uninstalled and
 * refreshed, with the names of classes of it the core saw (its drivers' classes, its threads'
 * classes): text for the report, never the classes.
 *
 * <p>Concurrency: {@link #watched} is a concurrent map of concurrent sets. The framework delivers {@code STOPPED}
 * synchronously on the stopping thread after the bundle's components were deactivated and its
 * services unregistered; the scan runs there, holding no core lock, before the stop returns.
 */
final class StoppedBundleScan implements SynchronousBundleListener {
    private final LeakHistory leaks;
    private final LoaderWatch loaders;
    /** Bundles that registered a driver, with the class names of their drivers. */
    private final Map<Long, Set<String>> watched = new ConcurrentHashMap<>();

    StoppedBundleScan(LeakHistory leaks, LoaderWatch loaders) {
        this.leaks = leaks;
        this.loaders = loaders;
    }

    /**
     * A bundle registered a driver: its stops are scanned from now on, until it is uninstalled.
     *
     * @param driverClass the class name of the driver object
     */
    void watch(long bundleId, String driverClass) {
        watched.computeIfAbsent(bundleId, id -> ConcurrentHashMap.newKeySet()).add(driverClass);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle b = event.getBundle();
        if (event.getType() == BundleEvent.UNINSTALLED) {
            watched.remove(b.getBundleId());
            loaders.uninstalled(b.getBundleId());
        } else if (event.getType() == BundleEvent.STOPPED && watched.containsKey(b.getBundleId())) {
            scan(b, watched.getOrDefault(b.getBundleId(), Set.of()));
        }
    }

    private void scan(Bundle b, Set<String> driverClasses) {
        ClassLoader loader = loaderOf(b);
        OwnerFrames frames = OwnerFrames.ofEntries(entry -> hasEntry(b, entry));
        Map<Thread, StackTraceElement[]> threads = Thread.getAllStackTraces();
        List<StrayThreads.Stray> strays = StrayThreads.scan(threads, frames,
                t -> loader != null && (t.getContextClassLoader() == loader || t.getClass().getClassLoader() == loader),
                Thread.currentThread());
        if (loader != null) {
            Set<String> classes = new TreeSet<>();
            driverClasses.stream().filter(frames::owns).forEach(classes::add);
            threads.keySet().stream().filter(t -> t.getClass().getClassLoader() == loader)
                    .forEach(t -> classes.add(t.getClass().getName()));
            loaders.stopped(b.getBundleId(), describe(b), loader, List.copyOf(classes));
        }
        if (strays.isEmpty()) {
            return;
        }
        String bundle = describe(b);
        leaks.record(Leak.Kind.THREAD, bundle, strays.stream().map(StrayThreads.Stray::name).toList(),
                bundle + " stopped with " + strays.size() + " thread(s) still running its code:\n  "
                        + strays.stream().map(StrayThreads.Stray::describe).collect(Collectors.joining("\n  ")));
    }

    private static String describe(Bundle b) {
        return "bundle " + b.getBundleId() + (b.getSymbolicName() == null ? "" : " (" + b.getSymbolicName() + ")");
    }

    /** @return the bundle's class loader now (its wiring stays until a refresh), or null */
    private static ClassLoader loaderOf(Bundle b) {
        try {
            BundleWiring w = b.adapt(BundleWiring.class);
            return w == null ? null : w.getClassLoader();
        } catch (RuntimeException e) { // uninstalled meanwhile
            return null;
        }
    }

    private static boolean hasEntry(Bundle b, String entry) {
        try {
            return b.getEntry(entry) != null;
        } catch (IllegalStateException uninstalled) {
            return false;
        }
    }
}
