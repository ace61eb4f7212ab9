package org.drivermodel.testkit.unload;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.api.Device;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testkit.unload.impl.AttributeFiles;
import org.drivermodel.testkit.unload.impl.AttributeLoad;
import org.drivermodel.testkit.unload.impl.AttributeTarget;
import org.drivermodel.testkit.unload.impl.BundleFrames;
import org.drivermodel.testkit.unload.impl.Disks;
import org.drivermodel.testkit.unload.impl.LoadCheck;
import org.drivermodel.testkit.unload.impl.LoadTally;
import org.drivermodel.testkit.unload.impl.LoadThreads;
import org.drivermodel.testkit.unload.impl.LoaderCollection;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The unload proof of a driver bundle (docs/design.md §2, invariant 3: bundle stop is module
 * unload). With the bundle
 * active and devices bound to its drivers (the caller plugs or declares them first), the proof
 * <ol>
 * <li>starts load threads that read every attribute file of every device bound to the bundle's
 * drivers (their child devices' too), writing back the value read where the file takes it,
 * through the core's open-file API, both through handles kept open and handles opened anew, and
 * that read and write back blocks of the disks those devices expose, where the block layer is;</li>
 * <li>stops the bundle under that load, and asserts that
 * <ul>
 * <li><b>the stop completes</b> within the stop deadline;</li>
 * <li><b>no device stays bound</b> to its drivers, and none of its drivers stays registered;</li>
 * <li><b>no code of the bundle runs</b> after its stop returned: while the load goes on against
 * the orphaned handles, and after it ended, no thread has a frame of a class of the bundle;</li>
 * <li><b>the load threads end</b> within the deadline;</li>
 * <li><b>the core reports nothing it left behind</b>: no reference or pin held by it or on its
 * devices, and no reference, drain-over-deadline or bundle leak naming it or its devices since
 * the proof began;</li>
 * <li><b>the load saw only success and the errors of a device going</b> ({@code ENODEV},
 * {@code ENOENT}, plus those {@linkplain #alsoExpect added}); on disks no request was lost,
 * aborted at removal or completed twice;</li>
 * </ul></li>
 * <li>uninstalls and refreshes the bundle, and asserts that <b>its class loader is collected</b>
 * within the deadline.</li>
 * </ol>
 * Each broken property is an {@link AssertionError} naming the property, the bundle and the
 * evidence (a thread and its frame, a report line). The bundle is left uninstalled when the proof
 * passes, and in whatever state the failure found it otherwise.
 *
 * <p>The caller must hold nothing of the bundle but the {@link Bundle} object: a service object
 * or an instance of one of its classes (an {@code @Inject} field of its service type, say) keeps
 * its class loader reachable. On Equinox, run the framework with
 * {@code org.apache.felix.log.maxSize=1}: the Log Service's history keeps entries that keep the
 * class loaders of the bundles that logged them.
 *
 * <p>Usage, in a Pax Exam test: {@code UnloadProof.assertUnloadsCleanly(context, myDriverBundle)}
 * or {@code UnloadProof.of(context, bundle).loadThreads(8).deadline(Duration.ofSeconds(60)).run()}.
 *
 * <p>Concurrency: an instance is configured and run by one thread (the test's); {@link #run}
 * starts the load threads and a thread for the stop, and ends them before it returns or throws,
 * except a thread stuck in the bundle's code, which it names. The load threads share only the
 * core, a tally and an end flag (see {@code impl}).
 */
public final class UnloadProof {
    /**
     * The load threads used unless {@link #loadThreads} says otherwise (per disk, as many again):
     * twice the cores of a small CI machine, enough to race the stop.
     */
    public static final int DEFAULT_LOAD_THREADS = 4;
    /**
     * How long each step may take unless {@link #deadline} or {@link #stopDeadline} says otherwise:
     * far above the core's 5 s drain and release deadlines.
     */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
    /** The most load threads a proof runs: more only measures the scheduler. */
    public static final int MAX_LOAD_THREADS = 64;
    /**
     * How many rounds over every file each load thread makes, on average, before the stop and after
     * it: the first opens the kept handles, the second uses them.
     */
    private static final int ROUNDS = 2;
    /**
     * How long the proof waits for load threads that did not end before a failure: a thread stuck in
     * the driver will not end, and is named.
     */
    private static final Duration AFTER_FAILURE_JOIN = Duration.ofSeconds(1);

    private final BundleContext context;
    private final Bundle bundle;
    private final Set<Errno> expected = EnumSet.of(Errno.ENODEV, Errno.ENOENT);
    private int loadThreads = DEFAULT_LOAD_THREADS;
    private Duration stopDeadline = DEFAULT_DEADLINE;
    private Duration deadline = DEFAULT_DEADLINE;

    private UnloadProof(BundleContext context, Bundle bundle) {
        this.context = Objects.requireNonNull(context, "context");
        this.bundle = Objects.requireNonNull(bundle, "bundle");
    }

    /**
     * Runs the unload proof with the defaults.
     *
     * @param context the test's bundle context: the proof's handles and service uses are its
     * @param bundle  the driver bundle, active, with devices bound to its drivers
     * @return what the proof did
     * @throws AssertionError naming the first property that does not hold, with its evidence
     */
    public static UnloadRecord assertUnloadsCleanly(BundleContext context, Bundle bundle) {
        return of(context, bundle).run();
    }

    /**
     * @param context the test's bundle context
     * @param bundle  the driver bundle
     * @return a proof to configure and {@link #run}
     * @throws IllegalArgumentException if the bundle is the caller's own or the system bundle
     */
    public static UnloadProof of(BundleContext context, Bundle bundle) {
        UnloadProof proof = new UnloadProof(context, bundle);
        if (bundle.getBundleId() == 0 || bundle.getBundleId() == context.getBundle().getBundleId()) {
            throw new IllegalArgumentException("the unload proof cannot unload " + describe(bundle)
                    + ": it is the system bundle or the caller's own");
        }
        return proof;
    }

    /**
     * @param threads how many threads load the attribute files (and as many each disk), 1 to 64
     * @return this
     * @throws IllegalArgumentException outside 1..64
     */
    public UnloadProof loadThreads(int threads) {
        if (threads < 1 || threads > MAX_LOAD_THREADS) {
            throw new IllegalArgumentException("load threads: " + threads + " is not within 1.." + MAX_LOAD_THREADS);
        }
        this.loadThreads = threads;
        return this;
    }

    /**
     * @param limit how long the bundle's stop may take, positive
     * @return this
     * @throws IllegalArgumentException if not positive
     */
    public UnloadProof stopDeadline(Duration limit) {
        this.stopDeadline = positive("stop deadline", limit);
        return this;
    }

    /**
     * @param limit how long each other step may take (the load getting under way, the load threads
     *              ending, a block request, the refresh, the collection of the class loader), positive
     * @return this
     * @throws IllegalArgumentException if not positive
     */
    public UnloadProof deadline(Duration limit) {
        this.deadline = positive("deadline", limit);
        return this;
    }

    /**
     * @param errnos errnos the load may also see without failing the proof (a driver whose
     *               attribute answers EAGAIN while it is busy, say)
     * @return this
     */
    public UnloadProof alsoExpect(Errno... errnos) {
        for (Errno e : errnos) {
            expected.add(Objects.requireNonNull(e, "errno"));
        }
        return this;
    }

    private static Duration positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + ": " + d + " is not a positive duration");
        }
        return d;
    }

    /**
     * Runs the proof.
     *
     * @return what the proof did
     * @throws AssertionError naming the first property that does not hold, with its evidence
     */
    public UnloadRecord run() {
        if (bundle.getState() != Bundle.ACTIVE) {
            throw fail("precondition", "it is not active (state " + bundle.getState() + ")");
        }
        ServiceReference<DriverCore> ref = context.getServiceReference(DriverCore.class);
        DriverCore core = ref == null ? null : context.getService(ref);
        if (core == null) {
            throw fail("precondition", "there is no DriverCore service: boot the runtime of DriverModelOptions.runtime()");
        }
        try {
            return prove(core);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("the proof ran to its end", "it was interrupted");
        } finally {
            context.ungetService(ref);
        }
    }

    private UnloadRecord prove(DriverCore core) throws InterruptedException {
        long id = bundle.getBundleId();
        List<String> drivers = new ArrayList<>();
        Set<String> devices = new LinkedHashSet<>();
        for (DriverInfo d : core.drivers()) {
            if (d.bundleId() == id) {
                drivers.add(d.bus() + "/" + d.name());
                for (Device dev : core.boundDevices(d.bus(), d.name())) {
                    devices.add(dev.path());
                }
            }
        }
        if (drivers.isEmpty()) {
            throw fail("precondition", "it registers no driver with the core");
        }
        if (devices.isEmpty()) {
            throw fail("precondition", "no device is bound to its drivers " + drivers + ": plug or declare one first");
        }
        Set<LifetimeReport.Leak> leaksBefore = new HashSet<>(core.report().leaks());
        BundleFrames frames = new BundleFrames(bundle);
        List<AttributeTarget> files = survey(core, devices, frames);
        WeakReference<ClassLoader> loader = new WeakReference<>(bundle.adapt(BundleWiring.class).getClassLoader());
        String prefix = "unload-proof " + bundle.getSymbolicName();

        LoadTally attributes = new LoadTally(expected);
        LoadTally blocks = new LoadTally(expected);
        LoadThreads threads = new LoadThreads();
        List<LoadCheck> checks;
        List<String> disks = new ArrayList<>();
        long afterStop;
        try (Disks started = startLoad(core, devices, files, attributes, blocks, threads, prefix)) {
            checks = started == null ? List.of() : started.loads();
            checks.forEach(c -> disks.add(c.what()));
            long round = (long) loadThreads * (files.size() + checks.size());
            // each kind of load under way before the stop, not only their sum: else a fast attribute
            // load could reach the target before the first block request, and a disk's faults go unseen
            awaitOperations(attributes, blocks, ROUNDS * (long) loadThreads * files.size(),
                    ROUNDS * (long) loadThreads * checks.size(), threads, frames);

            stopUnderLoad(threads, frames);
            long atStop = attributes.operations() + blocks.operations();
            assertUnbound(core, id, drivers, devices);
            scanWhileLoading(attributes, blocks, atStop + ROUNDS * round, frames);
            // A load thread still in the bundle's code is the same fault whether the scan saw it or
            // not: name it before waiting for the load to end, which it never will.
            assertNothingInside(frames);
            List<String> stuck = threads.endAndJoin(deadline, frames);
            if (!stuck.isEmpty()) {
                throw fail("the load threads end within " + deadline.toMillis() + " ms", String.join("; ", stuck));
            }
            assertNothingInside(frames);
            afterStop = attributes.operations() + blocks.operations() - atStop;
            assertReportClean(core, leaksBefore, devices);
            for (LoadTally tally : List.of(attributes, blocks)) {
                if (tally.unexpectedCount() > 0) {
                    throw fail("the load saw only success and the errors of a device going " + expected,
                            tally.unexpectedCount() + " unexpected outcome(s), the first: " + tally.unexpectedOutcomes()
                                    + " (" + tally.summary() + ")");
                }
            }
            List<String> wrong = new ArrayList<>();
            for (LoadCheck c : checks) {
                wrong.addAll(c.verify());
            }
            if (!wrong.isEmpty()) {
                throw fail("no request lost, aborted or completed twice", String.join("; ", wrong));
            }
        } finally {
            // after a failure: tell the load to end; a thread stuck in the driver is named in it, not waited for
            threads.endAndJoin(AFTER_FAILURE_JOIN, frames);
        }

        String refresh = LoaderCollection.uninstallAndRefresh(context, bundle, deadline);
        if (refresh != null) {
            throw fail("it is uninstalled and refreshed", refresh);
        }
        if (!LoaderCollection.collected(loader, deadline)) {
            throw fail("its class loader is collected after uninstall and refresh",
                    "still reachable after " + deadline.toMillis() + " ms of garbage collection: something keeps it,"
                            + " such as a thread it started, an object of it the test holds (an @Inject field of its"
                            + " service type), a log entry it made (on Equinox run with org.apache.felix.log.maxSize=1),"
                            + " or a static cache of another bundle");
        }
        List<String> paths = new ArrayList<>();
        for (AttributeTarget f : files) {
            paths.add(f.path());
        }
        return new UnloadRecord(describe(bundle), drivers, List.copyOf(devices), paths, disks,
                attributes.operations(), blocks.operations(), afterStop);
    }

    /** Finds and reads the devices' attribute files once, in a thread of its own: a hostile show may never return. */
    private List<AttributeTarget> survey(DriverCore core, Set<String> devices, BundleFrames frames)
            throws InterruptedException {
        AtomicReference<List<AttributeTarget>> files = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread survey = new Thread(() -> {
            try {
                files.set(AttributeFiles.under(core, List.copyOf(devices)));
            } catch (RuntimeException e) { // reported below, in the proof's thread
                failure.set(e);
            }
        }, "unload-proof survey " + bundle.getSymbolicName());
        survey.setDaemon(true);
        survey.start();
        survey.join(deadline.toMillis());
        if (survey.isAlive()) {
            throw fail("its attribute files answer before the stop", "the first read of each has not returned within "
                    + deadline.toMillis() + " ms: " + frames.where(survey));
        }
        if (failure.get() != null) {
            throw fail("its attribute files answer before the stop", "listing and reading them failed: " + failure.get());
        }
        return files.get();
    }

    private Disks startLoad(DriverCore core, Set<String> devices, List<AttributeTarget> files, LoadTally attributes,
            LoadTally blocks, LoadThreads threads, String prefix) {
        for (int i = 0; i < loadThreads; i++) {
            threads.start(prefix + " attributes #" + i, new AttributeLoad(core, files, attributes, threads));
        }
        try {
            return Disks.start(context, core, path -> under(path, devices), loadThreads, deadline, blocks, threads, prefix);
        } catch (NoClassDefFoundError e) { // the block package is not wired to the test kit: no block layer
            return null; // closing a null resource does nothing
        }
    }

    private void awaitOperations(LoadTally attributes, LoadTally blocks, long attributeTarget, long blockTarget,
            LoadThreads threads, BundleFrames frames) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        long target = attributeTarget + blockTarget;
        while (attributes.operations() < attributeTarget || blocks.operations() < blockTarget) {
            if (System.nanoTime() > end) {
                List<String> stuck = threads.endAndJoin(Duration.ofMillis(1), frames);
                throw fail("the load got under way before the stop", "attributes: " + attributes.summary() + "; disks: "
                        + blocks.summary() + " within " + deadline.toMillis() + " ms, of " + target
                        + " operations wanted; threads: " + stuck);
            }
            Thread.sleep(1);
        }
    }

    private void stopUnderLoad(LoadThreads threads, BundleFrames frames) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread stopper = new Thread(() -> {
            try {
                bundle.stop();
            } catch (Throwable t) { // reported below, in the proof's thread
                failure.set(t);
            }
        }, "unload-proof stop " + bundle.getSymbolicName());
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(stopDeadline.toMillis());
        if (stopper.isAlive()) {
            String where = frames.where(stopper);
            List<String> inside = frames.threadsInside();
            threads.endAndJoin(Duration.ofMillis(1), frames);
            throw fail("the stop completes within " + stopDeadline.toMillis() + " ms",
                    "it has not returned: " + where + "; threads in its code: " + inside);
        }
        if (failure.get() != null) {
            throw fail("the stop completes", "it threw " + failure.get());
        }
    }

    private void assertUnbound(DriverCore core, long id, List<String> drivers, Set<String> devices) {
        List<String> still = new ArrayList<>();
        for (DriverInfo d : core.drivers()) {
            if (d.bundleId() == id) {
                still.add("driver " + d.bus() + "/" + d.name() + " still registered");
            }
        }
        for (String path : devices) {
            try {
                Device dev = core.device(path);
                if (dev.driver().isPresent() && drivers.contains(dev.bus() + "/" + dev.driver().get())) {
                    still.add(path + " still bound to " + dev.driver().get() + " (" + dev.state() + ")");
                }
            } catch (DriverModelException e) {
                // gone with its driver (a child device the driver had made): not bound then
            }
        }
        if (!still.isEmpty()) {
            throw fail("no device stays bound to its drivers after its stop", String.join("; ", still));
        }
    }

    /**
     * Lets the load run on against the orphaned handles, looking for the bundle's code on every
     * thread: once at least, however fast the load reaches its target (the stop has returned, so
     * a thread inside the bundle's code now is a fault, whenever it is looked for).
     */
    private void scanWhileLoading(LoadTally attributes, LoadTally blocks, long target, BundleFrames frames)
            throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        do {
            assertNothingInside(frames);
            if (attributes.operations() + blocks.operations() >= target || System.nanoTime() >= end) {
                return; // short of the target at the deadline: the join that follows says why
            }
            Thread.sleep(1);
        } while (true);
    }

    private void assertNothingInside(BundleFrames frames) {
        List<String> inside = frames.threadsInside();
        if (!inside.isEmpty()) {
            throw fail("no code of the bundle runs after its stop", String.join("; ", inside));
        }
    }

    private void assertReportClean(DriverCore core, Set<LifetimeReport.Leak> leaksBefore, Set<String> devices) {
        LifetimeReport report = core.report();
        List<String> left = new ArrayList<>();
        for (LifetimeReport.Reference r : report.references()) {
            if (namesBundle(r.holder()) || under(r.object(), devices)) {
                left.add("reference to " + r.object() + " held by " + r.holder() + " (" + r.count() + ")");
            }
        }
        for (LifetimeReport.Pin p : report.pins()) {
            if (namesBundle(p.holder()) || under(p.device(), devices)) {
                left.add("pin on " + p.device() + " (driver " + p.driver() + ") held by " + p.holder() + ": " + p.reason());
            }
        }
        for (LifetimeReport.Leak l : report.leaks()) {
            if (!leaksBefore.contains(l) && (namesBundle(l.object()) || under(l.object(), devices)
                    || l.holders().stream().anyMatch(this::namesBundle))) {
                left.add(l.kind() + " leak of " + l.object() + ", holders " + l.holders() + ": " + firstLines(l.detail()));
            }
        }
        if (!left.isEmpty()) {
            throw fail("the core's lifetime report names nothing it left behind", String.join("; ", left));
        }
    }

    private boolean namesBundle(String holder) {
        String me = "bundle " + bundle.getBundleId();
        return holder.equals(me) || holder.startsWith(me + " (");
    }

    private static boolean under(String path, Set<String> devices) {
        for (String d : devices) {
            if (path.equals(d) || path.startsWith(d + "/")) {
                return true;
            }
        }
        return false;
    }

    private static String firstLines(String text) {
        String[] lines = text.split("\n", 4);
        return String.join(" | ", java.util.Arrays.asList(lines).subList(0, Math.min(3, lines.length)));
    }

    private AssertionError fail(String property, String evidence) {
        return new AssertionError("unload proof of " + describe(bundle) + ": " + property + ": " + evidence);
    }

    private static String describe(Bundle b) {
        return "bundle " + b.getBundleId() + " (" + b.getSymbolicName() + ")";
    }
}
