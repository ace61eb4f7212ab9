package org.drivermodel.itest;

import static org.drivermodel.itest.Errors.assertErrno;
import static org.drivermodel.itest.Waits.await;
import static org.drivermodel.itest.Waits.awaitTrue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.service.command.CommandSession;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.BundleAction;
import org.drivermodel.api.DeviceRef;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.api.UsagePin;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testkit.TestHooks;
import org.drivermodel.testkit.exam.DriverModelOptions;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * Bundle stop is module unload (docs/design.md §2, invariants 1–4), with the test driver
 * (testdrv) and the test
 * kit's hooks: a thread inside the driver's {@code show} holds its bundle's stop; past the drain
 * deadline the stop goes on and the report names the thread and the driver frame; a reference
 * another bundle took to the driver's device is revoked and its holder named; an update under
 * concurrent reads makes no call into the old generation; usage pins make the management
 * command answer EBUSY unless forced; what a stopping bundle left behind is released and named.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ModuleUnloadIT extends VirtualBusTestBase {
    private static final String TESTDRV = "org.drivermodel.driver-test";

    private final Hooks hooks = new Hooks();
    private final BlockingQueue<String> coreLog = new LinkedBlockingQueue<>();

    /** The Log Service's history is kept at one entry, as in {@link UnloadIT}: on Equinox a kept entry pins its bundle's class loader. */
    @Override
    protected Option[] frameworkOptions() {
        return TestRuntime.withTestDriver(DriverModelOptions.unloadProofSettings());
    }

    /** The test driver calls these; a test can make {@code show} block and sees calls into dead code. */
    static final class Hooks implements TestHooks {
        final AtomicReference<CountDownLatch> block = new AtomicReference<>();
        final CountDownLatch inside = new CountDownLatch(1);
        final AtomicInteger shows = new AtomicInteger();
        final Set<Long> generations = ConcurrentHashMap.newKeySet();
        final List<String> lateCalls = new CopyOnWriteArrayList<>();

        @Override
        public void show(long generation, String path) {
            shows.incrementAndGet();
            generations.add(generation);
            CountDownLatch b = block.get();
            if (b != null) {
                inside.countDown();
                Waits.hold(b);
            }
        }

        @Override
        public void lateCall(long generation, String what) {
            lateCalls.add(generation + ": " + what);
        }
    }

    @Before
    public void setUp() {
        register(TestHooks.class, hooks, null);
        listenToLog(entry -> {
            if ("org.drivermodel.core".equals(entry.getBundle().getSymbolicName())) {
                coreLog.add(entry.getLogLevel() + " " + entry.getMessage());
            }
        }, "org.drivermodel.core");
    }

    @After
    public void release() {
        CountDownLatch b = hooks.block.getAndSet(null);
        if (b != null) {
            b.countDown(); // the base then awaits the test's threads
        }
    }

    // ---- a thread inside show holds the stop -------------------------------------------------

    @Test
    public void aThreadInsideShowKeepsTheDriverStopWaitingUntilItLeaves() throws Exception {
        String dev = plugTestDevice("7e57:0001");
        AttributeFile value = core.open(dev + "/value");
        CountDownLatch leave = blockShows();
        AtomicReference<String> read = new AtomicReference<>();
        threads.start("reader", () -> read.set(value.read()));
        await(hooks.inside);

        Bundle testdrv = bundle(TESTDRV);
        AtomicBoolean stopped = new AtomicBoolean();
        Thread stopper = threads.start("stopper", () -> {
            testdrv.stop();
            stopped.set(true);
        });
        awaitTrue("the stop waits in the drain of the device's attribute files",
                () -> core.device(dev).state() == DeviceState.UNBINDING && inFrame(stopper, "ActiveGate", "kill"));
        assertFalse("the stop has not returned while a thread is inside show", stopped.get());
        assertEquals(DeviceState.UNBINDING, core.device(dev).state());
        assertEquals(Bundle.STOPPING, testdrv.getState());

        int showsBefore = hooks.shows.get();
        leave.countDown();
        threads.join(stopper);
        assertTrue(stopped.get());
        assertTrue("the reader inside finished its read: " + read.get(), read.get().startsWith("gen="));

        assertEquals(DeviceState.UNBOUND, core.device(dev).state());
        assertErrno(Errno.ENODEV, () -> value.read());
        assertErrno(Errno.ENOENT, () -> core.open(dev + "/value"));
        assertEquals("no driver code ran for the orphaned handle", showsBefore, hooks.shows.get());
        assertEquals(List.of(), hooks.lateCalls);
        value.close();
    }

    // ---- past the deadline the stop goes on ---------------------------------------------------

    @Test
    public void pastTheDrainDeadlineTheStopReturnsAndTheReportNamesTheThreadAndTheDriverFrame() throws Exception {
        configure("drain.timeout.ms", 200L);
        String dev = plugTestDevice("7e57:0001");
        AttributeFile value = core.open(dev + "/value");
        CountDownLatch leave = blockShows();
        Thread stuck = threads.start("stuck-in-show", () -> value.read());
        await(hooks.inside);

        bundle(TESTDRV).stop(); // returns although the reader is still inside

        assertEquals(Bundle.RESOLVED, bundle(TESTDRV).getState());
        assertTrue("the stuck thread is still inside", stuck.isAlive());
        LifetimeReport.Leak drain = onlyLeak(LifetimeReport.Leak.Kind.DRAIN);
        assertEquals(dev, drain.object());
        assertEquals(List.of("stuck-in-show"), drain.holders());
        assertTrue(drain.detail(), drain.detail().contains("\"stuck-in-show\""));
        assertTrue("the driver frame is named: " + drain.detail(),
                drain.detail().contains("in owner code at org.drivermodel.driver.test.TestDriver.show("));
        awaitTrue("the leak is logged (log listeners are called asynchronously)",
                () -> coreLog.stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("leak (DRAIN) of " + dev)));

        leave.countDown();
        threads.join(stuck);
        // the thread left behind ran on in the unloaded module, and the driver saw it: this is
        // what the other tests count to prove that nothing else ever does
        assertEquals(1, hooks.lateCalls.size());
        assertTrue(hooks.lateCalls.get(0), hooks.lateCalls.get(0).endsWith("show " + dev + "/value (returning)"));
        assertErrno(Errno.ENODEV, () -> value.read());
        value.close();
    }

    // ---- a reference held by another bundle ---------------------------------------------------

    @Test
    public void aReferenceAnotherBundleTookToTheDriversDeviceIsRevokedAndItsHolderNamed() throws Exception {
        configure("release.timeout.ms", 300L);
        plugTestDevice("7e57:0001");
        String iface = core.device("/class/testdrv/td1").path();
        DeviceRef ref = core.hold("/class/testdrv/td1");
        String me = Bundles.reportName(context.getBundle());
        assertEquals(me, ref.holder());
        assertEquals(iface, ref.device().path());
        assertEquals(List.of(new LifetimeReport.Reference(iface, me, 1, List.of())), core.report().references());

        bundle(TESTDRV).stop(); // removes the class device: waits 300 ms for the reference, then reclaims it

        assertFalse(ref.isValid());
        assertErrno(Errno.ENODEV, ref::device);
        LifetimeReport.Leak leak = onlyLeak(LifetimeReport.Leak.Kind.REFERENCE);
        assertEquals(iface, leak.object());
        assertEquals(List.of(me), leak.holders());
        // the warning halfway, or, if the stopping thread was not scheduled between the warning and
        // the deadline, the line that gives up: both say what the removal waited for
        awaitTrue("the wait was logged (log listeners are called asynchronously)", () -> coreLog.stream()
                .anyMatch(l -> l.contains("waiting for " + iface + " to become free") && l.contains(", usage count 1;")));
        assertEquals(List.of(), core.report().references());
        ref.close(); // a put after the reclaim is accepted
        assertEquals(List.of(), hooks.lateCalls);
    }

    // ---- update under load --------------------------------------------------------------------

    @Test
    public void aDriverUpdateUnderConcurrentReadsMakesNoCallIntoTheOldGeneration() throws Exception {
        List<String> devices = List.of(plugTestDevice("7e57:0001"), plugTestDevice("7e57:0002"));
        AtomicBoolean done = new AtomicBoolean();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        AtomicInteger reads = new AtomicInteger();
        for (String dev : devices) {
            threads.start("reader " + dev, () -> {
                while (!done.get()) {
                    try (AttributeFile f = core.open(dev + "/value")) {
                        f.read();
                        reads.incrementAndGet();
                    } catch (DriverModelException e) {
                        if (e.errno() != Errno.ENOENT && e.errno() != Errno.ENODEV) { // the unbound window
                            unexpected.add(e.toString());
                        }
                    }
                }
            });
        }
        awaitTrue("reads of the first generation", () -> reads.get() > 200);
        assertEquals(1, hooks.generations.size());
        WeakReference<ClassLoader> oldLoader = Bundles.loaderOf(bundle(TESTDRV));

        core.manage("vbus", "testdrv", BundleAction.UPDATE, false); // update and refresh

        int after = reads.get();
        // the update makes a second class loader, and its refresh may make a third
        awaitTrue("reads of the new generation", () -> hooks.generations.size() >= 2 && reads.get() > after + 200);
        done.set(true);
        threads.joinAll();
        assertEquals(List.of(), unexpected);
        assertEquals("calls into the old generation after its stop returned", List.of(), hooks.lateCalls);
        for (String dev : devices) {
            assertEquals(Optional.of("testdrv"), core.device(dev).driver());
        }
        for (int attempt = 0; attempt < 50 && oldLoader.get() != null; attempt++) {
            System.gc();
            Thread.sleep(20); // reference processing runs on its own thread
        }
        assertEquals("the old generation's class loader was collected after the refresh", null, oldLoader.get());
    }

    // ---- usage pins ---------------------------------------------------------------------------

    @Test
    public void aPinnedDriverIsNotStoppedByTheManagementCommandUnlessForced() throws Exception {
        String dev = plugTestDevice("7e57:0001");
        UsagePin pin = core.pin(dev, "mounted on /mnt/test");
        assertEquals(List.of(new LifetimeReport.Pin(dev, "testdrv", pin.holder(), "mounted on /mnt/test")),
                core.report().pins());

        DriverModelException busy = assertErrno(Errno.EBUSY, () -> core.manage("vbus", "testdrv", BundleAction.STOP, false));
        assertTrue(busy.getMessage(), busy.getMessage().contains("pinned by " + pin.holder() + " on " + dev
                + " (mounted on /mnt/test)"));
        assertErrno(Errno.EBUSY, () -> run("driver:stop testdrv"));
        assertErrno(Errno.EBUSY, () -> run("driver:update testdrv"));
        assertErrno(Errno.EBUSY, () -> run("driver:uninstall testdrv"));
        assertEquals("nothing changed", Bundle.ACTIVE, bundle(TESTDRV).getState());
        assertEquals(Optional.of("testdrv"), core.device(dev).driver());
        assertTrue(pin.isValid());

        core.manage("vbus", "testdrv", BundleAction.STOP, true);

        assertEquals(Bundle.RESOLVED, bundle(TESTDRV).getState());
        assertFalse(pin.isValid());
        assertErrno(Errno.ENODEV, pin::device);
        assertEquals(List.of(), core.report().pins());
        pin.close();
        bundle(TESTDRV).start();
        assertEquals(Optional.of("testdrv"), core.device(dev).driver());
    }

    @Test
    public void theShellStopsAPinnedDriverOnlyWhenForced() throws Exception {
        String dev = plugTestDevice("7e57:0001");
        CommandSession session = session();
        assertEquals("pinned " + dev + " (driver testdrv): mounted", session.execute("usage:pin " + dev + " mounted"));
        assertErrno(Errno.EEXIST, () -> session.execute("usage:pin " + dev + " again"));
        assertEquals("the shell's pin outlives the command", 1, core.report().pins().size());
        assertErrno(Errno.EBUSY, () -> session.execute("driver:stop testdrv"));
        String report = String.valueOf(session.execute("usage:report"));
        assertTrue(report, report.contains(dev) && report.contains("mounted"));
        assertEquals("stopped " + TESTDRV + " [" + bundle(TESTDRV).getBundleId() + "]: 1 device(s) unbound (forced)",
                session.execute("driver:stop -f testdrv"));
        assertEquals("unpinned " + dev + " (its binding had ended already)", session.execute("usage:unpin " + dev));
        assertErrno(Errno.ENOENT, () -> session.execute("usage:unpin " + dev));
    }

    @Test
    public void aRawBundleStopCannotBeVetoedAndRevokesThePin() throws Exception {
        String dev = plugTestDevice("7e57:0001");
        UsagePin pin = core.pin(dev, "mounted");
        bundle(TESTDRV).stop(); // surprise removal
        assertFalse(pin.isValid());
        assertErrno(Errno.ENODEV, pin::device);
        assertEquals(DeviceState.UNBOUND, core.device(dev).state());
    }

    @Test
    public void badPinsAndHoldsAreRefusedAndChangeNothing() throws Exception {
        String dev = plugTestDevice("7e57:0001");
        assertErrno(Errno.ENOENT, () -> core.pin("vbus/none", "mounted"));
        assertErrno(Errno.ENOENT, () -> core.hold("/devices/vbus/none"));
        assertErrno(Errno.EINVAL, () -> core.pin(dev, ""));
        assertErrno(Errno.EINVAL, () -> core.pin(dev, "x".repeat(201)));
        assertErrno(Errno.EINVAL, () -> core.pin(dev, "line\nbreak"));
        assertErrno(Errno.ENOENT, () -> core.manage("vbus", "nosuch", BundleAction.STOP, false));
        core.unbind("vbus", "testdrv", dev.substring(dev.lastIndexOf('/') + 1));
        assertErrno(Errno.ENODEV, () -> core.pin(dev, "mounted"));
        assertEquals(List.of(), core.report().pins());
        assertEquals(List.of(), core.report().references());
    }

    // ---- per-bundle accounting ----------------------------------------------------------------

    @Test
    public void whatAStoppingBundleLeftBehindIsReleasedAndNamed() throws Exception {
        String dev = plugTestDevice("7e57:0bad"); // its probe takes a reference and never puts it
        Bundle testdrv = bundle(TESTDRV);
        String holder = Bundles.reportName(testdrv);
        assertEquals(List.of(new LifetimeReport.Reference(dev, holder, 1, List.of())), core.report().references());

        testdrv.stop();

        LifetimeReport.Leak leak = onlyLeak(LifetimeReport.Leak.Kind.BUNDLE);
        assertEquals(holder, leak.object());
        assertTrue(leak.detail(), leak.detail().contains("reference to " + dev));
        assertEquals(List.of(), core.report().references());
        assertEquals("the device itself stays", DeviceState.UNBOUND, core.device(dev).state());
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Plugs a testdrv device; answers its path once bound. */
    private String plugTestDevice(String id) {
        String path = "/devices/vbus/" + vbus.plug(id);
        assertEquals(Optional.of("testdrv"), core.device(path).driver());
        return path;
    }

    private CountDownLatch blockShows() {
        CountDownLatch leave = new CountDownLatch(1);
        hooks.block.set(leave);
        return leave;
    }

    private void configure(String key, Object value) throws Exception {
        String expected = (key.equals("drain.timeout.ms") ? "drainTimeout=" : "releaseTimeout=")
                + java.time.Duration.ofMillis((Long) value);
        configureCore(key, value, expected, coreLog);
    }

    private static boolean inFrame(Thread t, String simpleClass, String method) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().endsWith("." + simpleClass) && e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }
}
