package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.testkit.TestHooks;
import org.drivermodel.testkit.exam.DriverModelOptions;
import org.drivermodel.testkit.unload.UnloadProof;
import org.drivermodel.testkit.unload.UnloadRecord;
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
 * The test kit's unload proof can fail, and says why: the test drivers' bundle passes it when
 * they behave, and fails it, naming the property, the bundle and the evidence, when testdrv's
 * leaky product keeps a reference, when a thread stays inside its {@code show} past the stop,
 * when its stop outlasts the proof's deadline, when a {@code show} never returns before the stop,
 * when testblk fails requests (EIO) or completes them twice, and when the test itself keeps a
 * class of the bundle (its loader is not collected). Bad arguments and a bundle with nothing to
 * prove are refused and change nothing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class UnloadProofIT extends VirtualBusTestBase {
    private static final String TESTDRV = "org.drivermodel.driver-test";
    private static final String LOAD_THREADS = "unload-proof " + TESTDRV + " attributes #";

    private final Hooks hooks = new Hooks();
    /** A class of the driver's, kept on purpose by one test. */
    private Class<?> pinned;

    @Override
    protected Option[] frameworkOptions() {
        return TestRuntime.withTestDriver(DriverModelOptions.unloadProofSettings());
    }

    /**
     * Counts the driver's shows and late calls; once {@code blockIn} is set, the next show in a
     * thread whose name starts with it blocks until released.
     */
    static final class Hooks implements TestHooks {
        final List<String> lateCalls = new CopyOnWriteArrayList<>();
        final AtomicInteger shows = new AtomicInteger();
        volatile String blockIn;
        final AtomicBoolean blocked = new AtomicBoolean();
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void show(long generation, String path) {
            shows.incrementAndGet();
            String in = blockIn;
            if (in != null && Thread.currentThread().getName().startsWith(in) && blocked.compareAndSet(false, true)) { // the first to get here stays; the others go on
                Waits.hold(release);
            }
        }

        @Override
        public void lateCall(long generation, String what) {
            lateCalls.add(what);
        }
    }

    @Before
    public void hook() {
        register(TestHooks.class, hooks, null);
    }

    @After
    public void release() {
        hooks.release.countDown(); // the base then unregisters the hooks
    }

    @Test
    public void aWellBehavedDriverPassesAndMakesNoLateCall() throws Exception {
        String dev = plug("7e57:0001");
        plug("7e57:0002");
        Bundle testdrv = bundle(TESTDRV);

        UnloadRecord record = UnloadProof.assertUnloadsCleanly(context, testdrv);

        assertEquals(Bundle.UNINSTALLED, testdrv.getState());
        assertTrue(record.toString(), record.attributeFiles().contains(dev + "/value"));
        assertTrue(record.toString(), record.operationsAfterStop() > 0);
        assertTrue("the load reached the driver's show", hooks.shows.get() > 0);
        assertEquals("the driver saw none of its code run after its deactivation", List.of(), hooks.lateCalls);
        assertEquals(Optional.empty(), core.device(dev).driver());
    }

    @Test
    public void aReferenceTheDriverLeaksFailsTheProofNamingIt() throws Exception {
        plug("7e57:0001");
        String leaky = plug("7e57:0bad"); // its probe takes a reference and never puts it
        Bundle testdrv = bundle(TESTDRV);

        AssertionError e = assertThrows(AssertionError.class, () -> UnloadProof.assertUnloadsCleanly(context, testdrv));

        assertTrue(e.getMessage(), e.getMessage().startsWith("unload proof of bundle " + testdrv.getBundleId() + " (" + TESTDRV
                + "): the core's lifetime report names nothing it left behind: BUNDLE leak of bundle " + testdrv.getBundleId()));
        assertTrue(e.getMessage(), e.getMessage().contains("reference to " + leaky));
        assertEquals("the proof stopped there: stopped, not uninstalled", Bundle.RESOLVED, testdrv.getState());
    }

    @Test
    public void aThreadLeftInsideTheDriverAfterItsStopFailsTheProofNamingTheThreadAndFrame() throws Exception {
        plug("7e57:0001");
        Bundle testdrv = bundle(TESTDRV);
        hooks.blockIn = LOAD_THREADS; // one stays in show: the stop waits the core's drain deadline, then goes on

        AssertionError e = assertThrows(AssertionError.class, () -> UnloadProof.assertUnloadsCleanly(context, testdrv));

        assertTrue(e.getMessage(), e.getMessage().startsWith("unload proof of bundle " + testdrv.getBundleId() + " (" + TESTDRV
                + "): no code of the bundle runs after its stop: \"unload-proof " + TESTDRV + " attributes #"));
        assertTrue(e.getMessage(), e.getMessage().contains(" at org.drivermodel.driver.test.TestDriver.show("));
        assertTrue(hooks.blocked.get());
    }

    @Test
    public void aStopThatOutlastsTheDeadlineFailsTheProofNamingWhereItWaits() throws Exception {
        plug("7e57:0001");
        Bundle testdrv = bundle(TESTDRV);
        hooks.blockIn = LOAD_THREADS; // the stop waits for the thread in show (the core's drain deadline is 5 s)

        AssertionError e = assertThrows(AssertionError.class,
                () -> UnloadProof.of(context, testdrv).stopDeadline(Duration.ofMillis(500)).run());

        String m = e.getMessage();
        // where the stop is at the deadline is the scheduler's choice (framework, SCR or core code;
        // "in code of the bundle" for an instant of a component's deactivate): only its name is fixed
        assertTrue(m, m.startsWith("unload proof of bundle " + testdrv.getBundleId() + " (" + TESTDRV
                + "): the stop completes within 500 ms: it has not returned: \"unload-proof stop " + TESTDRV + "\" "));
        // the threads in the bundle's code come in no fixed order: the load thread held in show is among them
        int listed = m.indexOf("; threads in its code: [");
        assertTrue("the threads in its code are listed: " + m, listed > 0);
        String inside = m.substring(listed);
        assertTrue("the thread holding it is named, in the driver's show: " + m,
                inside.matches("(?s).*\"unload-proof " + java.util.regex.Pattern.quote(TESTDRV)
                        + " attributes #\\d+\" at org\\.drivermodel\\.driver\\.test\\.TestDriver\\.show\\(.*"));
    }

    @Test
    public void aShowThatNeverReturnsBeforeTheStopFailsTheProofAndNothingIsStopped() throws Exception {
        plug("7e57:0001");
        Bundle testdrv = bundle(TESTDRV);
        hooks.blockIn = "unload-proof survey"; // the proof's first read of each file

        // the deadline is what the survey thread has to get into the driver's show, where the
        // proof must find it: long enough for a loaded machine, as the test waits it out whole
        AssertionError e = assertThrows(AssertionError.class,
                () -> UnloadProof.of(context, testdrv).deadline(Duration.ofSeconds(5)).run());

        assertTrue(e.getMessage(), e.getMessage().startsWith("unload proof of bundle " + testdrv.getBundleId() + " (" + TESTDRV
                + "): its attribute files answer before the stop: the first read of each has not returned within 5000 ms:"
                + " \"unload-proof survey " + TESTDRV + "\" in code of the bundle at org.drivermodel.driver.test.TestDriver.show("));
        assertEquals(Bundle.ACTIVE, testdrv.getState());
    }

    @Test
    public void aBlockHandlerThatFailsRequestsFailsTheProofWithTheErrno() throws Exception {
        vbus.plug("7eb1:00e0"); // testblk: its handler throws, so every request fails with EIO
        Bundle testdrv = bundle(TESTDRV);

        AssertionError e = assertThrows(AssertionError.class, () -> UnloadProof.assertUnloadsCleanly(context, testdrv));

        assertTrue(e.getMessage(), e.getMessage().startsWith("unload proof of bundle " + testdrv.getBundleId() + " (" + TESTDRV
                + "): the load saw only success and the errors of a device going [ENOENT, ENODEV]: "));
        assertTrue(e.getMessage(), e.getMessage().contains("EIO") && e.getMessage().contains("testblk 00e0 fails on purpose"));
    }

    @Test
    public void aBlockDriverThatCompletesTwiceFailsTheProof() throws Exception {
        vbus.plug("7eb1:00d0"); // testblk: completes every request twice
        Bundle testdrv = bundle(TESTDRV);

        AssertionError e = assertThrows(AssertionError.class, () -> UnloadProof.assertUnloadsCleanly(context, testdrv));

        assertTrue(e.getMessage(), e.getMessage().matches("unload proof of bundle " + testdrv.getBundleId() + " \\(" + TESTDRV
                + "\\): no request lost, aborted or completed twice: disk \\w+: \\d+ request\\(s\\) completed twice"));
    }

    @Test
    public void aClassLoaderTheTestKeepsFailsTheProofAfterTheUninstall() throws Exception {
        plug("7e57:0001");
        Bundle testdrv = bundle(TESTDRV);
        pinned = testdrv.loadClass("org.drivermodel.driver.test.TestDriver"); // what an @Inject of its service would do

        AssertionError e = assertThrows(AssertionError.class,
                () -> UnloadProof.of(context, testdrv).deadline(Duration.ofSeconds(2)).run());

        assertEquals("unload proof of bundle " + testdrv.getBundleId() + " (" + TESTDRV + "): its class loader is collected"
                + " after uninstall and refresh: still reachable after 2000 ms of garbage collection: something keeps it,"
                + " such as a thread it started, an object of it the test holds (an @Inject field of its service type),"
                + " a log entry it made (on Equinox run with org.apache.felix.log.maxSize=1), or a static cache of another"
                + " bundle", e.getMessage());
        assertEquals("every property before held", Bundle.UNINSTALLED, testdrv.getState());
    }

    @Test
    public void aDriverWithNothingBoundOrABundleWithNoDriverIsRefusedAndNothingChanges() throws Exception {
        Bundle testdrv = bundle(TESTDRV);
        AssertionError none = assertThrows(AssertionError.class, () -> UnloadProof.assertUnloadsCleanly(context, testdrv));
        assertEquals("unload proof of bundle " + testdrv.getBundleId() + " (" + TESTDRV + "): precondition: no device is bound"
                + " to its drivers [vbus/testblk, vbus/testdrv]: plug or declare one first", none.getMessage());
        assertEquals(Bundle.ACTIVE, testdrv.getState());

        Bundle shell = bundle("org.drivermodel.shell");
        AssertionError noDriver = assertThrows(AssertionError.class, () -> UnloadProof.assertUnloadsCleanly(context, shell));
        assertTrue(noDriver.getMessage(), noDriver.getMessage().endsWith("(org.drivermodel.shell): precondition: it registers no driver with the core"));
        assertEquals(Bundle.ACTIVE, shell.getState());

        testdrv.stop();
        AssertionError stopped = assertThrows(AssertionError.class, () -> UnloadProof.assertUnloadsCleanly(context, testdrv));
        assertTrue(stopped.getMessage(), stopped.getMessage().endsWith("precondition: it is not active (state " + Bundle.RESOLVED + ")"));
    }

    @Test
    public void badArgumentsAreRefused() {
        Bundle testdrv = bundle(TESTDRV);
        assertThrows(IllegalArgumentException.class, () -> UnloadProof.of(context, context.getBundle()));
        assertThrows(IllegalArgumentException.class, () -> UnloadProof.of(context, context.getBundle(0)));
        assertThrows(IllegalArgumentException.class, () -> UnloadProof.of(context, testdrv).loadThreads(0));
        assertThrows(IllegalArgumentException.class, () -> UnloadProof.of(context, testdrv).loadThreads(65));
        assertThrows(IllegalArgumentException.class, () -> UnloadProof.of(context, testdrv).deadline(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> UnloadProof.of(context, testdrv).stopDeadline(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> UnloadProof.of(context, null));
        assertEquals(Bundle.ACTIVE, testdrv.getState());
    }

    private String plug(String id) {
        String path = "/devices/vbus/" + vbus.plug(id);
        assertEquals(Optional.of("testdrv"), core.device(path).driver());
        return path;
    }
}
