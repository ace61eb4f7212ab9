package org.drivermodel.storm.impl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.drivermodel.api.BundleAction;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testkit.TestHooks;
import org.drivermodel.vbus.VirtualBus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.log.Logger;
import org.osgi.util.tracker.ServiceTracker;

/**
 * One storm: applies a {@link Schedule} to the running framework while {@link BlockWorker}s and
 * {@link AttributeWorker}s do I/O on the devices it plugged, then puts everything back (bus and
 * drivers started, every device it plugged unplugged), waits for every request to end, refreshes,
 * collects garbage, and counts. What it plugs and storms is its {@link StormMix}: the untrusted
 * drivers are in it when their bundle is installed, and left out (and the log says so) when not.
 *
 * <p>The untrusted drivers' faults are allowed for where they are designed, and nowhere else:
 * their reads and writes may end with the errno the core's boundary gives them (see
 * {@link StormDevices#attributeOf}); the FAULT and PROBE entries the core makes of their
 * throwables are counted apart, not as leaks ({@link ContainedFaults}); a device of theirs that
 * unplugged itself may be gone when the storm unplugs it; and their bundle, which its own driver
 * stops from the remove an unplug of the storm runs, may be found stopped: the management command,
 * which names one of its drivers, then gives way to the raw bundle operation.
 *
 * <p>Concurrency: {@link #run} runs on one thread, the event thread, which alone changes the
 * framework and owns {@link #problems}, {@link #leaks} and {@link #everPlugged}. The I/O
 * threads read {@link #slots} (a concurrent map the event thread updates: a slot is removed
 * before its device is unplugged, put after it is plugged) and write the books; they stop when
 * {@link #running} goes false and are joined with a deadline. A synchronous bundle listener counts
 * the stops a stormed bundle's own driver makes. Every wait for a framework state
 * polls with a deadline or waits on a latch; none is unbounded. No lock is held while calling
 * the framework or the core.
 */
final class Storm {
    /** How long a bundle operation's after-effects (a bus attaching, a refresh) may take. */
    static final long STATE_WAIT_SECONDS = 30;
    /** How long requests still open after the storm may take to end before they count as lost. */
    static final long QUIET_SECONDS = 30;
    /** How long the garbage collection of retired class loaders may take. */
    static final long GC_SECONDS = 20;
    /** How long an I/O thread may take to notice the end (its batch wait, and some). */
    static final long JOIN_SECONDS = BlockWorker.BATCH_WAIT_SECONDS + 20;
    /** How many problems the report lists (all are counted in the verdict). */
    static final int KEPT_PROBLEMS = 20;

    private final BundleContext context;
    private final DriverCore core;
    private final BlockLayer block;
    private final Logger log;
    private final StormOptions options;

    private final Map<Integer, PluggedDevice> slots = new ConcurrentHashMap<>(); /* concurrent; written by the event thread */
    private final Accounting books = new Accounting();       /* thread-safe itself */
    private final StormHooks hooks = new StormHooks();       /* thread-safe itself */
    private final LoaderWatch loaders = new LoaderWatch();   /* confined to the event thread */
    private final List<String> problems = new ArrayList<>(); /* confined to the event thread */
    private final Set<String> everPlugged = new HashSet<>(); /* confined to the event thread */
    private final Set<LifetimeReport.Leak> leaks = new LinkedHashSet<>(); /* confined to the event thread */
    private Set<LifetimeReport.Leak> leaksBefore = Set.of(); /* confined to the event thread */
    private volatile boolean running = true;                 /* written by the event thread, read by the I/O threads */
    private final Queue<String> workerFailures = new ConcurrentLinkedQueue<>(); /* concurrent: any I/O thread adds */
    private ServiceTracker<VirtualBus, VirtualBus> vbus;     /* confined to the event thread */
    private LifetimeReport.Leak newestSeen;                  /* confined to the event thread */
    private StormMix mix;                                    /* written before the I/O threads start */
    private volatile Thread eventThread;                     /* written before the listener is added */
    private volatile StormEvent current;                     /* the event being applied; read by the listener */
    private final AtomicLong selfStops = new AtomicLong();   /* a stormed bundle stopped by its own driver's remove */

    Storm(BundleContext context, DriverCore core, BlockLayer block, Logger log, StormOptions options) {
        this.context = context;
        this.core = core;
        this.block = block;
        this.log = log;
        this.options = options;
    }

    /**
     * Runs the storm. Context: the caller's thread, which it keeps until the end.
     *
     * @return what it found
     * @throws DriverModelException ENOENT if a bundle to storm is not installed (nothing was done)
     */
    StormResult run() throws InterruptedException {
        bundle(StormDevices.BUS_BUNDLE);
        StormDevices.DRIVER_BUNDLE_ORDER.forEach(this::bundle);
        boolean untrusted = installed(StormDevices.UNTRUSTED_BUNDLE) != null;
        mix = StormDevices.mix(untrusted);
        List<StormEvent> schedule = Schedule.generate(options.seed(), options.events(), mix, StormDevices.BUS_BUNDLE);
        long started = System.nanoTime();
        log.info("storm: {} starts: {} device ids of {} driver bundles", options.replay(), mix.ids().size(),
                mix.driverBundles().size());
        if (!untrusted) {
            log.info("storm: {} is not installed: the untrusted drivers (vbus {}:*, {} ids) are left out of the mix",
                    StormDevices.UNTRUSTED_BUNDLE, StormDevices.UNTRUSTED_VENDOR, StormDevices.UNTRUSTED_IDS.size());
        }
        vbus = new ServiceTracker<>(context, VirtualBus.class, null);
        vbus.open();
        eventThread = Thread.currentThread();
        SynchronousBundleListener stops = this::bundleChanged;
        context.addBundleListener(stops);
        ServiceRegistration<TestHooks> registration = context.registerService(TestHooks.class, hooks, null);
        List<Thread> threads = new ArrayList<>();
        try {
            try {
                prepare();
            } catch (BundleException e) {
                throw new DriverModelException(Errno.EIO, "storm", "could not start the bus and the drivers to storm: "
                        + e.getMessage(), e);
            }
            List<LifetimeReport.Leak> before = core.report().leaks();
            leaksBefore = new HashSet<>(before);
            newestSeen = before.isEmpty() ? null : before.get(before.size() - 1);
            BooleanSupplier on = () -> running;
            for (int i = 0; i < options.threads(); i++) {
                long seed = options.seed() * 31 + i;
                threads.add(start("storm-io-" + i, new BlockWorker(block, core, slots, books, on, seed)));
                threads.add(start("storm-attr-" + i, new AttributeWorker(core, slots, books, on, ~seed)));
            }
            for (StormEvent e : schedule) {
                current = e;
                try {
                    log.debug("storm: {}", e);
                    apply(e);
                } catch (Exception | AssertionError x) {
                    problem("event " + e + " failed: " + x);
                } finally {
                    current = null;
                }
                collectLeaks();
            }
            running = false;
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(JOIN_SECONDS));
                if (t.isAlive()) {
                    problem(t.getName() + " still running " + JOIN_SECONDS + " s after the end");
                }
            }
            restore();
            books.awaitQuiet(QUIET_SECONDS, TimeUnit.SECONDS);
            refreshRemovalPending();
            collectLeaks();
            int collected = loaders.collect(GC_SECONDS, TimeUnit.SECONDS);
            return result(collected, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } finally {
            running = false;
            registration.unregister();
            context.removeBundleListener(stops);
            vbus.close();
        }
    }

    /**
     * Counts the stops of a bundle that may stop itself made by its own driver: those on the
     * event thread inside an event that is not an operation on that bundle (its driver's remove,
     * run by an unplug or a bus stop, or by the unplugs at the end). Context: the stopping
     * thread, synchronously.
     */
    private void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.STOPPING || Thread.currentThread() != eventThread
                || !mix.stopsItself().contains(event.getBundle().getSymbolicName())) {
            return;
        }
        StormEvent e = current;
        if (e == null || !event.getBundle().getSymbolicName().equals(e.target())) {
            selfStops.incrementAndGet();
        }
    }

    // ---- events ------------------------------------------------------------------------------

    private void apply(StormEvent e) throws BundleException, InterruptedException {
        switch (e.kind()) {
            case PLUG -> {
                String name = vbus().plug(e.target());
                everPlugged.add("/devices/vbus/" + name);
                slots.put(e.slot(), new PluggedDevice(name, e.target()));
            }
            case UNPLUG -> {
                PluggedDevice d = slots.remove(e.slot());
                if (d == null) {
                    throw new AssertionError("slot " + e.slot() + " is empty: the schedule and the storm disagree");
                }
                unplug(d);
            }
            case DRIVER_STOP -> onDriverBundle(e, managed -> {
                if (managed) {
                    manage(e.target(), BundleAction.STOP);
                } else {
                    bundle(e.target()).stop();
                }
            });
            case DRIVER_START -> onDriverBundle(e, managed -> bundle(e.target()).start());
            case DRIVER_UPDATE -> {
                loaders.retire(bundle(e.target()));
                onDriverBundle(e, managed -> {
                    if (managed) {
                        manage(e.target(), BundleAction.UPDATE);
                    } else {
                        Bundle b = bundle(e.target());
                        b.update();
                        refresh(b);
                    }
                });
            }
            case DRIVER_REINSTALL -> {
                Bundle old = bundle(e.target());
                loaders.retire(old);
                String location = old.getLocation();
                onDriverBundle(e, managed -> {
                    if (managed) {
                        manage(e.target(), BundleAction.UNINSTALL);
                    } else {
                        Bundle b = bundle(e.target());
                        b.uninstall();
                        refresh(b);
                    }
                });
                context.installBundle(location).start();
            }
            case BUS_STOP -> bundle(e.target()).stop();
            case BUS_START -> {
                bundle(e.target()).start();
                awaitBus();
            }
        }
    }

    private void manage(String bundle, BundleAction action) {
        core.manage(VirtualBus.NAME, mix.managedDrivers().get(bundle), action, true);
    }

    /** A bundle operation of an event; {@code managed}: through the management command. */
    private interface BundleOp {
        void apply(boolean managed) throws BundleException, InterruptedException;
    }

    /**
     * Applies an event's operation on a driver bundle, through the management command if the
     * event says so — but for a bundle whose own driver stopped it: the command names one of its
     * drivers, registered only while it is active, so the raw bundle operation does it then.
     */
    private void onDriverBundle(StormEvent e, BundleOp op) throws BundleException, InterruptedException {
        boolean managed = e.managed()
                && (!mix.stopsItself().contains(e.target()) || bundle(e.target()).getState() == Bundle.ACTIVE);
        if (managed != e.managed()) {
            log.debug("storm: {}: {} was stopped by its own driver; the raw bundle operation instead", e, e.target());
        }
        op.apply(managed);
    }

    /** Unplugs a device the storm plugged; one whose own driver may unplug it may be gone already. */
    private void unplug(PluggedDevice d) throws InterruptedException {
        try {
            vbus().unplug(d.name());
        } catch (DriverModelException x) {
            if (x.errno() != Errno.ENOENT || !mix.leaveByThemselves().contains(d.id())) {
                throw x;
            }
            log.debug("storm: {} was unplugged by its own driver", d);
        }
    }

    /** @return the installed bundle of that symbolic name; ENOENT if there is none */
    private Bundle bundle(String symbolicName) {
        Bundle b = installed(symbolicName);
        if (b == null) {
            throw new DriverModelException(Errno.ENOENT, "bundle " + symbolicName, "not installed: the storm needs it");
        }
        return b;
    }

    /** @return the installed bundle of that symbolic name, or null */
    private Bundle installed(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                return b;
            }
        }
        return null;
    }

    private VirtualBus vbus() throws InterruptedException {
        VirtualBus v = vbus.waitForService(TimeUnit.SECONDS.toMillis(STATE_WAIT_SECONDS));
        if (v == null) {
            throw new DriverModelException(Errno.ETIMEDOUT, "vbus", "no VirtualBus service after " + STATE_WAIT_SECONDS + " s");
        }
        return v;
    }

    /** Waits until the bus is attached again and has enumerated every device the storm has plugged. */
    private void awaitBus() throws InterruptedException {
        vbus();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STATE_WAIT_SECONDS);
        while (!busComplete()) {
            if (System.nanoTime() - end > 0) {
                throw new DriverModelException(Errno.ETIMEDOUT, "vbus", "not attached with every plugged device after "
                        + STATE_WAIT_SECONDS + " s");
            }
            Thread.sleep(1);
        }
    }

    private boolean busComplete() {
        if (!core.buses().contains(VirtualBus.NAME)) {
            return false;
        }
        for (PluggedDevice d : slots.values()) {
            if (mix.leaveByThemselves().contains(d.id())) {
                continue; // its driver may have unplugged it, or may as it is enumerated again
            }
            try {
                core.device(d.path());
            } catch (DriverModelException e) {
                return false;
            }
        }
        return true;
    }

    private void refresh(Bundle b) throws InterruptedException {
        refreshBundles(List.of(b));
    }

    private void refreshRemovalPending() throws InterruptedException {
        refreshBundles(null);
    }

    private void refreshBundles(List<Bundle> bundles) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        if (!done.await(STATE_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new DriverModelException(Errno.ETIMEDOUT, "refresh", "not finished after " + STATE_WAIT_SECONDS + " s");
        }
    }

    // ---- before and after --------------------------------------------------------------------

    /** Starts the bus and the driver bundles, if something left them stopped. */
    private void prepare() throws BundleException, InterruptedException {
        Bundle bus = bundle(StormDevices.BUS_BUNDLE);
        if (bus.getState() != Bundle.ACTIVE) {
            bus.start();
        }
        awaitBus();
        for (String name : mix.driverBundles()) {
            Bundle b = bundle(name);
            if (b.getState() != Bundle.ACTIVE) {
                b.start();
            }
        }
    }

    /**
     * Starts what the schedule left stopped and unplugs every device the storm plugged; then
     * starts again a bundle whose own driver stopped it at one of these unplugs.
     */
    private void restore() {
        try {
            prepare();
        } catch (Exception e) {
            problem("restoring the bus and the drivers failed: " + e);
        }
        for (Map.Entry<Integer, PluggedDevice> s : new TreeMap<>(slots).entrySet()) {
            try {
                slots.remove(s.getKey());
                unplug(s.getValue());
            } catch (Exception e) {
                problem("unplugging " + s.getValue() + " at the end failed: " + e);
            }
        }
        for (String name : mix.stopsItself()) {
            try {
                bundle(name).start();
            } catch (Exception e) {
                problem("starting " + name + " again at the end failed: " + e);
            }
        }
        for (String path : everPlugged) {
            try {
                core.device(path);
                problem(path + " is still there after the storm unplugged it");
            } catch (DriverModelException e) {
                // ENOENT: gone, as it should be
            }
        }
    }

    /**
     * Takes the entries the core's lifetime report gained since the last look, after every event.
     * The report keeps the most recent entries only (100 in this core; an event makes a few at
     * most: a bus start re-probes at most {@link Schedule#MAX_PLUGGED} devices, each failing
     * probe or callback named once per binding): if the newest entry seen last time is no longer
     * there, as many entries as it keeps were made since, and some may have been dropped unseen,
     * which is a problem.
     */
    private void collectLeaks() {
        List<LifetimeReport.Leak> now = core.report().leaks();
        if (newestSeen != null && !now.contains(newestSeen)) {
            problem("the lifetime report dropped entries before the storm read them: " + now.size()
                    + " or more were made since its last look");
        }
        for (LifetimeReport.Leak l : now) {
            if (!leaksBefore.contains(l)) {
                leaks.add(l);
            }
        }
        if (!now.isEmpty()) {
            newestSeen = now.get(now.size() - 1);
        }
    }

    private boolean ours(String object) {
        for (String path : everPlugged) {
            if (object.equals(path) || object.startsWith(path + "/")) {
                return true;
            }
        }
        return false;
    }

    private StormResult result(int collected, long millis) {
        LifetimeReport report = core.report();
        long refs = 0;
        for (LifetimeReport.Reference r : report.references()) {
            if (ours(r.object())) {
                refs += r.count();
                problem("reference still held at the end: " + r);
            }
        }
        for (LifetimeReport.Pin p : report.pins()) {
            if (ours(p.device())) {
                refs++;
                problem("pin still held at the end: " + p);
            }
        }
        long drains = 0;
        long contained = 0;
        int detailed = 0;
        ContainedFaults faults = mix.faults();
        for (LifetimeReport.Leak l : leaks) {
            if (faults.contained(l, this::ours)) {
                contained++;
                continue; // a faulty driver's throwable, contained and named as designed
            }
            if (l.kind() == LifetimeReport.Leak.Kind.DRAIN) {
                drains++;
            } else {
                refs++;
            }
            problem("leak during the storm: " + l.kind() + " " + l.object() + " held by " + l.holders());
            if (detailed++ < KEPT_PROBLEMS) { // the core's whole text, stacks included, for whoever replays
                log.error("storm {}: leak during the storm, as the core reported it: {} of {} held by {}: {}",
                        options.replay(), l.kind(), l.object(), l.holders(), l.detail());
            }
        }
        workerFailures.forEach(this::problem);
        long lost = books.open();
        for (String what : books.openRequests(KEPT_PROBLEMS)) {
            problem("lost: " + what);
        }
        for (String u : books.unexpected()) {
            problem("unexpected error: " + u);
        }
        if (books.unexpectedCount() > 0 && problems.size() < KEPT_PROBLEMS) {
            problem(books.unexpectedCount() + " request(s) failed with an unexpected error");
        }
        for (String late : hooks.lateCalls()) {
            problem("call after remove: " + late);
        }
        if (collected < loaders.retired()) {
            problem((loaders.retired() - collected) + " retired driver class loader(s) not collected after "
                    + GC_SECONDS + " s");
        }
        StormResult r = new StormResult(options.seed(), options.events(), books.requests(), books.ok(), books.failed(),
                lost, books.duplicated(), hooks.lateCount(), refs, collected, loaders.retired(), drains, problems);
        log.info("storm: {} ({} ms, testdrv shows {}; {} device ids of {} driver bundles; {} faults of the untrusted"
                + " drivers contained and named, not counted; their bundle stopped by their own remove {} time(s))", r.line(),
                millis, hooks.shows(), mix.ids().size(), mix.driverBundles().size(), contained, selfStops.get());
        for (String p : r.problems()) {
            log.error("storm {}: {}", options.replay(), p);
        }
        return r;
    }

    private void problem(String p) {
        if (problems.size() < KEPT_PROBLEMS) {
            problems.add(p);
        } else if (problems.size() == KEPT_PROBLEMS) {
            problems.add("(more problems not listed)");
        }
    }

    private Thread start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, x) -> workerFailures.add(thread.getName() + " died: " + x));
        t.start();
        return t;
    }
}
