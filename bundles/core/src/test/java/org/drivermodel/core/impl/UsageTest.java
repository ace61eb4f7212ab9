package org.drivermodel.core.impl;

import static org.drivermodel.core.impl.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.BundleAction;
import org.drivermodel.api.DeviceRef;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.api.UsagePin;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.primitives.RefTracking;
import org.drivermodel.testing.Bounded;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tracked references, usage pins, the management command, the report and per-bundle accounting. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UsageTest {
    private static final long DEADLINE_SECONDS = 30;
    private static final String HOLDER = "bundle 42 (org.example.consumer)";

    private final TestLog log = new TestLog();
    private final DeviceModel model = new DeviceModel(log.logger, CoreSettings.DEFAULTS, System::nanoTime,
            UeventSink.NONE);
    private final BusHandle bus = model.attachBus(new FakeBus("fake"), 1);
    private final FakeDriver driver = new FakeDriver("drv");
    private final DriverEntry entry = model.addDriver(driver.info("fake", "x"), driver);
    private final String dev = bus.addDevice("d1", Map.of("id", "x")).path();
    private final List<String> applied = new CopyOnWriteArrayList<>();

    /** Bundle operations that record what they were asked, optionally blocking on a latch. */
    private final class RecordingOps implements BundleOps {
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch hold;

        @Override
        public String describe(long bundleId) {
            return "bundle " + bundleId + " (b" + bundleId + ")";
        }

        @Override
        public void apply(long bundleId, BundleAction action) {
            applied.add(action + " " + bundleId);
            entered.countDown();
            CountDownLatch h = hold;
            if (h != null) {
                Bounded.await(h);
            }
        }
    }

    private void configure(Duration releaseTimeout, RefTracking tracking) {
        CoreSettings s = CoreSettings.DEFAULTS;
        model.configure(new CoreSettings(s.deferredProbeTimeout(), false, s.drainTimeout(), releaseTimeout, tracking));
    }

    private void releaseTimeout(Duration d) {
        configure(d, CoreSettings.DEFAULTS.refTracking());
    }

    @AfterEach
    void closeModel() {
        ModelTeardown.close(model); // also resets RefTracking, a static of the lifetime library
    }

    // ---- references ---------------------------------------------------------------------------

    @Test
    void aReferenceIsAttributedToItsHolderAndListedUntilPut() {
        DeviceRef ref = model.usage().hold("fake/d1", HOLDER, r -> { });
        assertEquals(dev, ref.device().path());
        assertEquals(HOLDER, ref.holder());
        assertEquals(List.of(new LifetimeReport.Reference(dev, HOLDER, 1, List.of())), model.report().references());
        ref.close();
        assertEquals(List.of(), model.report().references());
        DriverModelException twice = assertErrno(Errno.EINVAL, ref::close);
        assertTrue(twice.getMessage().contains("double put"), twice.getMessage());
        assertErrno(Errno.EINVAL, ref::device);
    }

    @Test
    void aRemovalWaitsForAReferenceUntilItIsPutAndReportsNothing() throws Exception {
        releaseTimeout(Duration.ofSeconds(DEADLINE_SECONDS));
        DeviceRef ref = model.usage().hold(dev, HOLDER, r -> { });
        CountDownLatch removed = new CountDownLatch(1);
        Thread remover = new Thread(() -> {
            bus.removeDevice("d1");
            removed.countDown();
        }, "remover");
        remover.start();
        Bounded.until(() -> inFrame(remover, "RefCounted", "awaitRelease"), "the removal waits for the reference");
        assertEquals(1, removed.getCount(), "the removal waits while the reference is held");
        assertErrno(Errno.ENODEV, ref::device); // revoked at once: no use while it waits
        assertFalse(ref.isValid());

        ref.close();
        Bounded.await(removed);
        remover.join();
        assertEquals(List.of(), model.report().leaks());
    }

    @Test
    void aReferenceStillHeldAtTheDeadlineIsReclaimedAndItsHolderNamed() {
        releaseTimeout(Duration.ofMillis(50));
        DeviceRef ref = model.usage().hold(dev, HOLDER, r -> { });
        bus.removeDevice("d1");
        assertErrno(Errno.ENODEV, ref::device);
        Leak leak = model.report().leaks().get(0);
        assertEquals(Leak.Kind.REFERENCE, leak.kind());
        assertEquals(dev, leak.object());
        assertEquals(List.of(HOLDER), leak.holders());
        // the wait is logged: by the warning halfway, or, if the removing thread was not scheduled
        // between the warning and the deadline, by the line that gives up (both name the count)
        assertTrue(log.lines.stream().anyMatch(l -> (l.startsWith("warn waiting for " + dev + " to become free, usage count 1")
                || l.startsWith("warn gave up waiting for " + dev + " to become free after ")) && l.contains(", usage count 1;")),
                log.lines::toString);
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("error leak (REFERENCE) of " + dev)), log.lines::toString);
        ref.close(); // accepted after the reclaim
        assertEquals(List.of(), model.report().references());
    }

    @Test
    void withTrackingOnTheReportAndTheLeakShowWhereAReferenceWasTaken() {
        configure(Duration.ofMillis(20), RefTracking.STACKS);
        DeviceRef ref = takeReferenceHere();
        List<String> stacks = model.report().references().get(0).takenAt();
        assertEquals(1, stacks.size());
        assertTrue(stacks.get(0).contains("UsageTest.takeReferenceHere"), stacks.get(0));
        bus.removeDevice("d1");
        Leak leak = model.report().leaks().get(0);
        assertTrue(leak.detail().contains("UsageTest.takeReferenceHere"), leak.detail());
        ref.close();
    }

    private DeviceRef takeReferenceHere() {
        return model.usage().hold(dev, HOLDER, r -> { });
    }

    @Test
    void aReferenceToAnUnknownDeviceIsRefused() {
        assertErrno(Errno.ENOENT, () -> model.usage().hold("fake/none", HOLDER, r -> { }));
        assertErrno(Errno.EINVAL, () -> model.usage().hold("/devices/fake/../d1", HOLDER, r -> { }));
        assertEquals(List.of(), model.report().references());
    }

    // ---- pins ---------------------------------------------------------------------------------

    @Test
    void aPinIsRevokedWhenItsBindingEndsWhateverTheCause() {
        UsagePin pin = model.usage().pin(dev, "mounted", HOLDER, p -> { });
        assertEquals(List.of(new LifetimeReport.Pin(dev, "drv", HOLDER, "mounted")), model.report().pins());
        assertEquals("drv", pin.driver());
        model.unbind("fake", "drv", "d1");
        assertFalse(pin.isValid());
        DriverModelException gone = assertErrno(Errno.ENODEV, pin::device);
        assertEquals("ENODEV: " + dev + ": pinned binding of driver fake/drv ended", gone.getMessage());
        assertEquals(List.of(), model.report().pins());
        pin.close();
        assertErrno(Errno.EINVAL, pin::device);
    }

    @Test
    void aPinNeedsABoundDeviceAndAPrintableReason() {
        for (String bad : new String[] {null, "", "   ", "x".repeat(Usage.MAX_REASON + 1), "a\nb", "tab\there", "del\u007f"}) {
            DriverModelException e = assertErrno(Errno.EINVAL, () -> model.usage().pin(dev, bad, HOLDER, p -> { }));
            assertTrue(e.getMessage().startsWith("EINVAL: " + dev + ": pin reason must be"), e.getMessage());
        }
        assertErrno(Errno.ENOENT, () -> model.usage().pin("fake/none", "mounted", HOLDER, p -> { }));
        model.unbind("fake", "drv", "d1");
        assertErrno(Errno.ENODEV, () -> model.usage().pin(dev, "mounted", HOLDER, p -> { }));
        assertEquals(List.of(), model.report().pins());
    }

    @Test
    void aRevokedPinHeldForeverPinsNothingOfTheDriver() throws Exception {
        FakeDriver gone = new FakeDriver("gone");
        DriverEntry e = model.addDriver(gone.info("fake", "g"), gone);
        bus.addDevice("g1", Map.of("id", "g"));
        UsagePin pin = model.usage().pin("fake/g1", "mounted", HOLDER, p -> { });
        java.lang.ref.WeakReference<FakeDriver> driverRef = new java.lang.ref.WeakReference<>(gone);
        gone = null;
        model.removeDriver(e);
        e = null;
        assertFalse(pin.isValid());
        for (int i = 0; i < 50 && driverRef.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(null, driverRef.get(), "the driver object is collectable while its revoked pin is held");
        assertEquals("gone", pin.driver());
    }

    // ---- the management command ---------------------------------------------------------------

    @Test
    void aPinnedDriverIsRefusedWithEbusyNamingThePinAndNothingIsDone() {
        RecordingOps ops = new RecordingOps();
        model.usage().useBundles(ops);
        UsagePin pin = model.usage().pin(dev, "mounted on /mnt", HOLDER, p -> { });
        for (BundleAction action : BundleAction.values()) {
            DriverModelException e = assertErrno(Errno.EBUSY, () -> model.usage().manage(entry, action, false, "shell"));
            assertEquals("EBUSY: /bus/fake/drivers/drv: pinned by " + HOLDER + " on " + dev + " (mounted on /mnt); "
                    + action.name().toLowerCase() + " of bundle 7 (b7) refused, force it to override", e.getMessage());
        }
        assertEquals(List.of(), applied);
        assertTrue(pin.isValid());
        assertFalse(entry.leaving(), "a refused command leaves nothing marked");

        model.usage().manage(entry, BundleAction.STOP, true, "shell");
        assertEquals(List.of("STOP 7"), applied);
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("warn driver fake/drv: STOP of bundle 7 (b7) forced by shell")));
    }

    @Test
    void anUnpinnedDriverIsManagedAtOnce() {
        RecordingOps ops = new RecordingOps();
        model.usage().useBundles(ops);
        model.usage().manage(entry, BundleAction.UPDATE, false, "shell");
        assertEquals(List.of("UPDATE 7"), applied);
        assertErrno(Errno.EINVAL, () -> model.usage().manage(entry, null, false, "shell"));
    }

    @Test
    void withoutAFrameworkManagementIsRefusedWithEperm() {
        assertErrno(Errno.EPERM, () -> model.manage("fake", "drv", BundleAction.STOP, false));
        assertErrno(Errno.ENOENT, () -> model.manage("fake", "nosuch", BundleAction.STOP, false));
        assertEquals(DeviceState.BOUND, model.device(dev).state());
    }

    @Test
    void aPinIsRefusedWithEbusyWhileTheDriversBundleIsBeingTakenAway() throws Exception {
        RecordingOps ops = new RecordingOps();
        ops.hold = new CountDownLatch(1);
        model.usage().useBundles(ops);
        Thread manager = new Thread(() -> model.usage().manage(entry, BundleAction.STOP, false, "shell"), "manager");
        manager.start();
        Bounded.await(ops.entered);
        DriverModelException busy = assertErrno(Errno.EBUSY, () -> model.usage().pin(dev, "mounted", HOLDER, p -> { }));
        assertTrue(busy.getMessage().contains("is being stopped, updated or uninstalled"), busy.getMessage());
        ops.hold.countDown();
        manager.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(manager.isAlive());
        model.usage().pin(dev, "mounted", HOLDER, p -> { }).close(); // taken again once it returned
    }

    // ---- per-bundle accounting ----------------------------------------------------------------

    @Test
    void whatABundleStillHoldsWhenItGoesIsReleasedAndReported() {
        CoreFacade facade = new CoreFacade(model, HOLDER);
        facade.hold(dev).close();                 // put back: not a leftover
        DeviceRef ref = facade.hold(dev);
        UsagePin pin = facade.pin(dev, "mounted");
        AttributeFile file = facade.open("/bus/fake/drivers_autoprobe");
        facade.registerClass("gadgets", List.of());
        assertEquals(1, model.report().references().size());

        facade.release();

        Leak leak = model.report().leaks().get(0);
        assertEquals(Leak.Kind.BUNDLE, leak.kind());
        assertEquals(HOLDER, leak.object());
        assertTrue(leak.detail().startsWith(HOLDER + " went without releasing 4 object(s), released now: "), leak.detail());
        for (String item : List.of("reference to " + dev, "pin of " + HOLDER + " on " + dev + " (mounted)",
                "open file /bus/fake/drivers_autoprobe", "class gadgets (registered)")) {
            assertTrue(leak.detail().contains(item), item + " in " + leak.detail());
        }
        assertFalse(ref.isValid());
        assertFalse(pin.isValid());
        assertEquals(List.of(), model.report().references());
        assertEquals(List.of(), model.report().pins());
        assertFalse(model.classes().contains("gadgets"));
        assertErrno(Errno.EINVAL, () -> file.read());
        DriverModelException late = assertErrno(Errno.ENODEV, () -> facade.hold(dev));
        assertEquals("ENODEV: " + HOLDER + ": its view of the driver core was released", late.getMessage());
    }

    @Test
    void anAcquisitionRacingWithTheReleaseIsUndoneNotLeaked() throws Exception {
        for (int i = 0; i < 200; i++) {
            CoreFacade facade = new CoreFacade(model, HOLDER);
            CountDownLatch go = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread taker = new Thread(() -> {
                try {
                    go.await();
                    for (int n = 0; n < 20; n++) {
                        facade.hold(dev);
                    }
                } catch (DriverModelException refused) {
                    if (refused.errno() != Errno.ENODEV) {
                        failure.set(refused);
                    }
                } catch (Throwable e) { // recorded for the test's thread: thrown here, it would be lost
                    failure.set(e);
                }
            });
            taker.start();
            go.countDown();
            facade.release();
            taker.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            assertFalse(taker.isAlive(), "round " + i + ": the taker ended");
            assertEquals(null, failure.get(), "round " + i + ": a racing hold is refused with ENODEV or succeeds");
            assertEquals(List.of(), model.report().references(), "round " + i);
        }
    }

    @Test
    void aBundleThatReleasedEverythingLeavesNoReport() {
        CoreFacade facade = new CoreFacade(model, HOLDER);
        try (DeviceRef r = facade.hold(dev); UsagePin p = facade.pin(dev, "busy"); AttributeFile f = facade.open(dev + "/driver_override")) {
            assertEquals("(null)\n", f.read());
        }
        facade.registerClass("gadgets", List.of()).close();
        facade.release();
        assertEquals(List.of(), model.report().leaks());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static boolean inFrame(Thread t, String simpleClass, String method) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().endsWith("." + simpleClass) && e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }
}
