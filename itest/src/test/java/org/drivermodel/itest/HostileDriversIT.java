package org.drivermodel.itest;

import static org.drivermodel.itest.Errors.assertErrno;
import static org.drivermodel.itest.Waits.DEADLINE_SECONDS;
import static org.drivermodel.itest.Waits.await;
import static org.drivermodel.itest.Waits.awaitTrue;
import static org.drivermodel.itest.Waits.poll;
import static org.drivermodel.itest.Waits.within;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.block.DiskHandle;
import org.drivermodel.block.DiskStats;
import org.drivermodel.error.Errno;
import org.drivermodel.testkit.HostileHooks;
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
 * The hostile drivers ({@code org.drivermodel.driver-hostile}, vbus vendor b4d0), one test
 * each: the fault is contained — while it is active, other devices are plugged, bound, read and
 * unplugged, block I/O on another disk completes, another driver bundle stops and starts — and
 * it is named in the lifetime report ({@code usage:report}) or the block layer's log with the
 * driver, its bundle, the device and what it did. The test's {@link HostileHooks} decide how long
 * a hang lasts, and end it before the test does.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HostileDriversIT extends VirtualBusTestBase {
    private static final String HOSTILE = "org.drivermodel.driver-hostile";

    @Inject
    private BlockLayer block;

    /** The hostile drivers call these: a misbehaviour lasts until {@code release} is counted down. */
    private final HangingHooks hooks = new HangingHooks();
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();

    @Override
    protected Option[] frameworkOptions() {
        return TestRuntime.withTestDriver(TestRuntime.reactorBundle("driver-hostile"));
    }

    @Before
    public void setUp() {
        register(HostileHooks.class, hooks, null);
        listenToLog(entry -> log.add(entry.getBundle().getSymbolicName() + " " + entry.getLogLevel() + " " + entry.getMessage()),
                "org.drivermodel.core", "org.drivermodel.block");
    }

    @After
    public void release() {
        hooks.release.countDown(); // the base then awaits the test's threads
    }

    // ---- 1. throws in probe ------------------------------------------------------------------

    @Test
    public void aProbeThatThrowsLeavesTheDeviceUnboundAndIsNamedAsAFailedProbe() throws Exception {
        String name = vbus.plug("b4d0:0001");
        String dev = "/devices/vbus/" + name;

        assertEquals(DeviceState.UNBOUND, core.device(dev).state());
        assertEquals(Optional.empty(), core.device(dev).driver());
        Leak probe = onlyLeak(Leak.Kind.PROBE);
        assertEquals(dev, probe.object());
        assertEquals(List.of(hostileBundle()), probe.holders());
        assertTrue(probe.detail(), probe.detail().startsWith("probe of " + dev + " with driver vbus/hostile-probe ("
                + hostileBundle() + ") failed with error -5 (EIO): java.lang.IllegalStateException: hostile-probe:"
                + " the controller of " + name + " is on fire"));
        assertTrue(probe.detail(), probe.detail().contains("at org.drivermodel.driver.hostile.ThrowingProbeDriver.probe("));
        // a manual bind is refused the same way, and named again
        // the probe threw an IllegalStateException: EIO, as every Throwable but a DriverModelException
        assertErrno(Errno.EIO, () -> core.bind("vbus", "hostile-probe", name));
        assertEquals(2, leaks(Leak.Kind.PROBE).size());
        assertTrue(usageReport(), usageReport().contains("PROBE " + dev + ": probe of " + dev + " with driver vbus/hostile-probe"));

        containment();
        Device device = core.device(dev);
        vbus.unplug(name);
        assertEquals(DeviceState.REMOVED, device.state());
    }

    // ---- 2. hangs in remove ------------------------------------------------------------------

    @Test
    public void aRemoveThatHangsIsNamedPastTheDeadlineAndHoldsUpOnlyItsOwnDevice() throws Exception {
        configureCore("drain.timeout.ms", 200L, "drainTimeout=PT0.2S");
        String name = vbus.plug("b4d0:0002");
        String dev = "/devices/vbus/" + name;
        assertEquals(Optional.of("hostile-remove"), core.device(dev).driver());

        // a manual unbind (the bus's own unplug would hold its hotplug lock for as long)
        Thread unbinder = threads.start("unbinder", () -> core.unbind("vbus", "hostile-remove", name));
        await(hooks.entered("remove"));
        awaitTrue("the remove is named past its deadline", () -> !leaks(Leak.Kind.REMOVE).isEmpty());

        Leak remove = onlyLeak(Leak.Kind.REMOVE);
        assertEquals(dev, remove.object());
        assertEquals(List.of("unbinder"), remove.holders());
        assertTrue(remove.detail(), remove.detail().startsWith("remove of driver vbus/hostile-remove (" + hostileBundle()
                + ") for " + dev + " still running after 200 ms (drain.timeout.ms): thread \"unbinder\""));
        assertTrue(remove.detail(), remove.detail().contains("in driver code at org.drivermodel.driver.hostile.Steering.hang("));
        assertTrue(remove.detail(), remove.detail().contains("at org.drivermodel.driver.hostile.HangingRemoveDriver.remove("));
        assertTrue(usageReport().contains("REMOVE " + dev + ": remove of driver vbus/hostile-remove"));

        containment(); // while the remove hangs
        assertTrue("the unbind waits for the remove", unbinder.isAlive());
        assertEquals(DeviceState.UNBINDING, core.device(dev).state());

        hooks.release.countDown();
        threads.join(unbinder);
        assertEquals(DeviceState.UNBOUND, core.device(dev).state());
        awaitTrue("the late return is logged", () -> log.stream().anyMatch(l -> l.startsWith("org.drivermodel.core WARN device "
                + dev + ": remove of driver vbus/hostile-remove returned after")));
        vbus.unplug(name);
    }

    // ---- 3. leaks a reference to another bundle's device ---------------------------------------

    @Test
    public void aReferenceLeakedToAnotherBundlesDeviceIsRevokedAtItsRemovalAndItsHolderNamed() throws Exception {
        configureCore("release.timeout.ms", 300L, "releaseTimeout=PT0.3S");
        String testdev = "/devices/vbus/" + vbus.plug("7e57:0001");
        String iface = core.device("/class/testdrv/td1").path();
        String name = vbus.plug("b4d0:0003");
        assertEquals("leak /devices/vbus/" + name + ": holding [" + iface + "]", poll(hooks.outcomes));
        assertEquals(List.of(new LifetimeReport.Reference(iface, hostileBundle(), 1, List.of())), core.report().references());

        containment(); // while the reference is held

        // testdrv's bundle stops: its interface goes, waits 300 ms for the leaked reference, reclaims it
        Bundle testdrv = bundle("org.drivermodel.driver-test");
        within("testdrv stops although another bundle holds a reference to its interface", testdrv::stop);
        // the warning halfway, or, if the stopping thread was not scheduled between the warning and
        // the deadline, the line that gives up: both say what the removal waited for
        awaitTrue("the removal warned it was waiting", () -> log.stream().anyMatch(l -> l.contains("waiting for " + iface
                + " to become free") && l.contains(", usage count 1;")));

        assertEquals("another bundle's leak did not keep testdrv from stopping", Bundle.RESOLVED, testdrv.getState());
        assertEquals(DeviceState.UNBOUND, core.device(testdev).state());
        Leak leak = onlyLeak(Leak.Kind.REFERENCE);
        assertEquals(iface, leak.object());
        assertEquals(List.of(hostileBundle()), leak.holders());
        assertTrue(leak.detail(), leak.detail().contains(hostileBundle()));
        assertEquals(List.of(), core.report().references());

        // and when the hostile bundle goes, what it still held is named too
        bundle(HOSTILE).stop();
        Leak bundle = onlyLeak(Leak.Kind.BUNDLE);
        assertEquals(hostileBundle(), bundle.object());
        assertTrue(bundle.detail(), bundle.detail().startsWith(hostileBundle() + " went without releasing 1 object(s)"));
        assertTrue(bundle.detail(), bundle.detail().contains(iface));
    }

    // ---- 4. blocks in show forever ------------------------------------------------------------

    @Test
    public void aShowThatBlocksIsDrainedPastTheDeadlineAndNamedWithItsThreadAndDriverFrame() throws Exception {
        configureCore("drain.timeout.ms", 200L, "drainTimeout=PT0.2S");
        String name = vbus.plug("b4d0:0004");
        String dev = "/devices/vbus/" + name;
        Device device = core.device(dev);
        AttributeFile value = core.open(dev + "/value");
        AtomicReference<String> read = new AtomicReference<>();
        threads.start("stuck-reader", () -> read.set(value.read()));
        await(hooks.entered("show"));

        containment(); // while a thread is stuck in the driver's show

        vbus.unplug(name); // drains for 200 ms, names the thread, and goes on
        assertEquals(DeviceState.REMOVED, device.state());
        Leak drain = onlyLeak(Leak.Kind.DRAIN);
        assertEquals(dev, drain.object());
        assertEquals(List.of("stuck-reader"), drain.holders());
        assertTrue(drain.detail(), drain.detail().startsWith("files of driver vbus/hostile-show (" + hostileBundle() + "): removal of "
                + dev + ": NOT drained"));
        assertTrue(drain.detail(), drain.detail().contains("\"stuck-reader\""));
        assertTrue(drain.detail(), drain.detail().contains("in owner code at org.drivermodel.driver.hostile.Steering.hang("));
        assertTrue(drain.detail(), drain.detail().contains("at org.drivermodel.driver.hostile.BlockingShowDriver.show("));
        assertTrue(usageReport().contains("DRAIN " + dev + ": files of driver vbus/hostile-show"));

        hooks.release.countDown();
        threads.joinAll();
        assertEquals("the read in flight finished", "stuck\n", read.get());
        assertErrno(Errno.ENODEV, () -> value.read());
        value.close();
    }

    // ---- 5. starts a thread it never stops -----------------------------------------------------

    @Test
    public void aThreadLeftRunningInAStoppedBundleIsNamedAtTheStop() throws Exception {
        String name = vbus.plug("b4d0:0005");
        await(hooks.entered("thread"));
        Thread stray = thread("hostile-thread " + name);

        Bundle hostile = bundle(HOSTILE);
        String bundle = hostileBundle();
        hostile.stop(); // returns: nothing waits for a thread nobody knows of
        assertEquals(Bundle.RESOLVED, hostile.getState());
        assertTrue(stray.isAlive());

        Leak leak = onlyLeak(Leak.Kind.THREAD);
        assertEquals(bundle, leak.object());
        assertEquals(List.of("hostile-thread " + name), leak.holders());
        assertTrue(leak.detail(), leak.detail().startsWith(bundle + " stopped with 1 thread(s) still running its code:\n  \"hostile-thread "
                + name + "\""));
        assertTrue(leak.detail(), leak.detail().contains("in bundle code at org.drivermodel.driver.hostile."));
        assertTrue(usageReport().contains("THREAD " + bundle + ": " + bundle + " stopped with 1 thread(s)"));

        containment(); // with the stray thread still running

        hooks.release.countDown();
        stray.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(stray.isAlive());
        vbus.unplug(name);
        hostile.start();
        assertEquals("no stray thread: nothing more named", 1, leaks(Leak.Kind.THREAD).size());
        hostile.stop();
        assertEquals(1, leaks(Leak.Kind.THREAD).size());
    }

    // ---- 6. completes a block request twice ------------------------------------------------------

    @Test
    public void aRequestCompletedTwiceIsCountedOnItsDiskAndNamedAndOtherDisksGoOn() throws Exception {
        String name = vbus.plug("b4d0:0006");
        String dev = "/devices/vbus/" + name;
        assertTrue(block.disks().toString(), block.disks().contains("hd0"));
        byte[] data = new byte[512];
        new Random(6).nextBytes(data);
        try (DiskHandle h = block.open("hd0")) {
            await(h.write(0, ByteBuffer.wrap(data)));
            ByteBuffer back = ByteBuffer.allocate(512);
            await(h.read(0, back));
            assertArrayEquals(data, back.array());
            containment(); // another disk's I/O among them
            DiskStats s = h.stats();
            assertEquals(2, s.succeeded());
            assertEquals("each request completed exactly once; the second completions counted", 2, s.ignoredCompletions());
            assertEquals(0, s.inFlight());
        }
        String named = " completed again (success): ignored; it was completed already [disk of " + dev
                + ", driver hostile-double, " + hostileBundle() + "]";
        awaitTrue("both second completions are logged (log listeners are called asynchronously)", () -> log.stream()
                .filter(l -> l.startsWith("org.drivermodel.block WARN hd0: ") && l.contains(named)).count() == 2);
        vbus.unplug(name);
        assertFalse(block.disks().contains("hd0"));
    }

    // ---- 7. registers an attribute after its remove ---------------------------------------------

    @Test
    public void anAttributeRegisteredAfterRemoveIsRefusedWithEnodevAndNamed() throws Exception {
        String name = vbus.plug("b4d0:0007");
        String dev = "/devices/vbus/" + name;
        Device device = core.device(dev);
        assertEquals(Optional.of("hostile-late"), device.driver());
        vbus.unplug(name); // remove returns, leaving a thread behind
        await(hooks.entered("late-attribute"));
        assertEquals(DeviceState.REMOVED, device.state());
        hooks.release.countDown(); // now it registers

        String outcome = poll(hooks.outcomes);
        assertTrue(outcome, outcome.startsWith("late-attribute " + dev + ": org.drivermodel.error.DriverModelException: ENODEV: "
                + dev + ": attribute group (unnamed) [late] refused"));
        assertErrno(Errno.ENOENT, () -> core.open(dev + "/late"));
        Leak leak = onlyLeak(Leak.Kind.REGISTRATION);
        assertEquals(dev, leak.object());
        assertEquals("the bundle whose code called", List.of(hostileBundle()), leak.holders());
        assertTrue(leak.detail(), leak.detail().startsWith("attribute group (unnamed) [late] for " + dev
                + " refused with ENODEV: its binding has ended (binding 1 of driver vbus/hostile-late (" + hostileBundle()
                + ")); called by " + hostileBundle() + ", thread \"hostile-late " + name + "\" at"
                + " org.drivermodel.driver.hostile.LateAttributeDriver."));
        assertTrue(usageReport().contains("REGISTRATION " + dev + ": attribute group (unnamed) [late]"));
        containment();
    }

    // ---- the rest keeps working ---------------------------------------------------------------

    /**
     * What every test proves while its fault is active: a device of another driver is plugged,
     * bound, read and unplugged; I/O on another disk completes; another driver bundle stops and
     * starts. Bounded: a step that hangs fails the test.
     */
    private void containment() throws Exception {
        within("another device is plugged, bound, read and unplugged", this::plugReadAndUnplugAnLed);
        within("I/O on another disk completes", () -> {
            List<String> before = block.disks();
            String blk = vbus.plug("7eb1:0001");
            String disk = block.disks().stream().filter(d -> !before.contains(d)).findFirst().orElseThrow();
            try (DiskHandle h = block.open(disk)) {
                byte[] data = new byte[4096];
                new Random(7).nextBytes(data);
                await(h.write(4096, ByteBuffer.wrap(data)));
                ByteBuffer back = ByteBuffer.allocate(4096);
                await(h.read(4096, back));
                assertArrayEquals(data, back.array());
            }
            vbus.unplug(blk);
        });
        within("another driver bundle stops and starts", () -> {
            Bundle ramdisk = bundle("org.drivermodel.driver-ramdisk");
            ramdisk.stop();
            assertEquals(Bundle.RESOLVED, ramdisk.getState());
            ramdisk.start();
            awaitTrue("ramdisk registered again",
                    () -> core.drivers().stream().anyMatch(d -> d.name().equals("ramdisk")));
        });
    }

    // ---- helpers --------------------------------------------------------------------------------

    private String hostileBundle() {
        return Bundles.reportName(bundle(HOSTILE));
    }

    private String usageReport() throws Exception {
        return run("usage:report");
    }

    private void configureCore(String key, Object value, String applied) throws Exception {
        configureCore(key, value, applied, log);
    }

    private static Thread thread(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no thread " + name);
    }
}
