package org.drivermodel.core.impl;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.drivermodel.api.LifetimeReport.Leak;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

/**
 * Checks, weakly, that a stopped driver bundle's class loader is collected once the bundle was
 * uninstalled and the framework refreshed: the module is really unloaded. A loader still
 * reachable after the release deadline of garbage collection is a {@link Leak.Kind#LOADER} entry
 * naming the bundle, classes of it that stay loaded (those the core saw: its drivers', its
 * threads'; a class is unloaded only with its loader, so every class it defined stays) and the
 * live threads that still carry its loader as context class loader.
 *
 * <h2>Concurrency</h2>
 * The loaders are held only by {@link WeakReference}s, in {@link #stopped} (by bundle id, from a
 * stop until the uninstall, or the next stop) and {@link #checking} (from the refresh that
 * followed the uninstall until collected or reported), both guarded by this object's monitor. One
 * daemon thread, started when something is to be checked and ending when nothing is, asks for
 * garbage collection with growing pauses (so a storm of uninstalls costs a handful of collections,
 * not one each) and reports what passed the deadline. The monitor is never held while collecting,
 * logging or recording.
 */
final class LoaderWatch implements FrameworkListener {
    /** The first pause before asking for collection: a refresh's last references drop just after its event. */
    private static final long FIRST_PAUSE_MS = 50;

    /** A loader being checked. */
    private record Pending(String bundle, WeakReference<ClassLoader> loader, List<String> classes, long since) {
    }

    private final LeakHistory leaks;
    private final Supplier<Duration> deadline;
    private final Map<Long, Pending> stopped = new HashMap<>(); /* guarded by this */
    private final List<Pending> uninstalled = new ArrayList<>(); /* guarded by this: awaiting the refresh */
    private final List<Pending> checking = new ArrayList<>(); /* guarded by this */
    private Thread checker; /* guarded by this; null when idle */

    LoaderWatch(LeakHistory leaks, Supplier<Duration> deadline) {
        this.leaks = leaks;
        this.deadline = deadline;
    }

    /**
     * A watched bundle stopped: its loader is remembered, weakly.
     *
     * @param classes names of classes the loader defined, for the report
     */
    synchronized void stopped(long bundleId, String bundle, ClassLoader loader, List<String> classes) {
        stopped.put(bundleId, new Pending(bundle, new WeakReference<>(loader), List.copyOf(classes), 0));
    }

    /** It was uninstalled: its loader is checked after the next refresh. */
    synchronized void uninstalled(long bundleId) {
        Pending p = stopped.remove(bundleId);
        if (p != null) {
            uninstalled.add(p);
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() != FrameworkEvent.PACKAGES_REFRESHED) {
            return;
        }
        synchronized (this) {
            long now = System.nanoTime();
            for (Pending p : uninstalled) {
                checking.add(new Pending(p.bundle(), p.loader(), p.classes(), now));
            }
            uninstalled.clear();
            if (!checking.isEmpty() && checker == null) {
                checker = new Thread(this::check, "drivermodel-loader-watch");
                checker.setDaemon(true);
                checker.setContextClassLoader(null);
                checker.start();
            }
        }
    }

    /** The checker: collects with growing pauses until every loader is collected or reported. */
    private void check() {
        long pause = FIRST_PAUSE_MS;
        for (;;) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                synchronized (this) {
                    checker = null;
                }
                return; // the core stopping
            }
            pause = Math.min(pause * 2, Math.max(FIRST_PAUSE_MS, deadline.get().toMillis() / 4));
            System.gc(); // the check's purpose: a loader nobody references must be collectable now
            List<Pending> overdue = new ArrayList<>();
            synchronized (this) {
                long limit = deadline.get().toNanos();
                long now = System.nanoTime();
                checking.removeIf(p -> p.loader().get() == null);
                checking.removeIf(p -> {
                    if (now - p.since() >= limit) {
                        overdue.add(p);
                        return true;
                    }
                    return false;
                });
                if (checking.isEmpty() && overdue.isEmpty()) {
                    checker = null;
                    return;
                }
            }
            for (Pending p : overdue) {
                report(p);
            }
        }
    }

    private void report(Pending p) {
        ClassLoader loader = p.loader().get();
        if (loader == null) {
            return; // collected at the last moment
        }
        List<String> threads = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getContextClassLoader() == loader || t.getClass().getClassLoader() == loader) {
                threads.add(t.getName());
            }
        }
        String loaderName = String.valueOf(loader);
        loader = null; // the report keeps only text
        leaks.record(Leak.Kind.LOADER, p.bundle(), threads, p.bundle() + " was uninstalled and refreshed, but its class"
                + " loader " + loaderName + " is still reachable after " + deadline.get().toMillis() + " ms of garbage"
                + " collection: its classes stay loaded"
                + (p.classes().isEmpty() ? "" : " (among them " + String.join(", ", p.classes()) + ")")
                + (threads.isEmpty() ? "; no live thread carries it (a static cache or a listener of another bundle may keep it)"
                        : "; live threads carrying it as context class loader: " + threads));
    }

    /** Stops checking. Context: the core stopping. */
    void close() {
        Thread t;
        synchronized (this) {
            t = checker;
            stopped.clear();
            uninstalled.clear();
            checking.clear();
        }
        if (t != null) {
            t.interrupt();
        }
    }
}
