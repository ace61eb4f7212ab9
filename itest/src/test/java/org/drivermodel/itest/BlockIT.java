package org.drivermodel.itest;

import static org.drivermodel.itest.Errors.assertErrno;
import static org.drivermodel.itest.Waits.DEADLINE_SECONDS;
import static org.drivermodel.itest.Waits.await;
import static org.drivermodel.itest.Waits.awaitTrue;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandSession;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.block.DiskHandle;
import org.drivermodel.block.DiskStats;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testkit.TestHooks;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * The block layer (docs/design.md §2, invariant 5: nothing is lost): data reads back; bad
 * requests are refused and
 * change nothing; unplugging a disk, stopping its driver's bundle or its bus's bundle during I/O
 * from 4 threads completes every submitted request exactly once and makes no handler call after
 * the driver's remove; hostile drivers (a handler that throws, double completions, requests
 * never completed) are contained and reported; handles are orphaned; the shell drives it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class BlockIT extends VirtualBusTestBase {
    private static final String RAMDISK = "1d6b:0100";

    @Inject
    private BlockLayer block;

    @Inject
    private ServiceComponentRuntime scr;

    private final List<String> lateCalls = new CopyOnWriteArrayList<>();

    @Override
    protected Option[] frameworkOptions() {
        return TestRuntime.withTestDriver();
    }

    @Before
    public void hooks() {
        register(TestHooks.class, new TestHooks() {
            @Override
            public void show(long generation, String path) {
            }

            @Override
            public void lateCall(long generation, String what) {
                lateCalls.add(what);
            }
        }, null);
    }

    // ---- data --------------------------------------------------------------------------------

    @Test
    public void dataWrittenReadsBackAcrossSizesAndOffsets() throws Exception {
        String disk = plugDisk(RAMDISK);
        assertEquals("ram0", disk);
        assertEquals("8192\n", read("/class/block/ram0/size"));
        assertEquals("0\n", read("/class/block/ram0/ro"));
        Random random = new Random(42);
        long[][] cases = { {0, 512}, {512, 4096}, {1 << 20, 64 << 10}, {(4 << 20) - 512, 512}, {3 << 20, 1 << 20} };
        try (DiskHandle h = block.open(disk)) {
            for (long[] c : cases) {
                byte[] data = new byte[(int) c[1]];
                random.nextBytes(data);
                await(h.write(c[0], ByteBuffer.wrap(data)));
                ByteBuffer back = ByteBuffer.allocate((int) c[1]);
                await(h.read(c[0], back));
                assertArrayEquals("offset " + c[0] + ", length " + c[1], data, back.array());
            }
            await(h.flush());
            DiskStats s = h.stats();
            assertEquals(2 * cases.length + 1, s.submitted());
            assertEquals(s.submitted(), s.succeeded());
        }
    }

    @Test
    public void badRequestsAreRefusedWithEinvalAndChangeNothing() throws Exception {
        String disk = plugDisk(RAMDISK);
        try (DiskHandle h = block.open(disk)) {
            byte[] data = new byte[512];
            new Random(7).nextBytes(data);
            await(h.write(0, ByteBuffer.wrap(data)));
            long before = h.stats().submitted();
            long capacity = h.spec().capacity();
            assertErrno(Errno.EINVAL, () -> h.write(100, ByteBuffer.allocate(512)));          // misaligned offset
            assertErrno(Errno.EINVAL, () -> h.write(0, ByteBuffer.allocate(100)));            // misaligned length
            assertErrno(Errno.EINVAL, () -> h.write(0, ByteBuffer.allocate(0)));              // empty
            assertErrno(Errno.EINVAL, () -> h.read(-512, ByteBuffer.allocate(512)));          // negative
            assertErrno(Errno.EINVAL, () -> h.read(capacity, ByteBuffer.allocate(512)));      // past the end
            assertErrno(Errno.EINVAL, () -> h.write(capacity - 512, ByteBuffer.allocate(1024))); // across the end
            assertErrno(Errno.EINVAL, () -> h.read(Long.MAX_VALUE - 511, ByteBuffer.allocate(512))); // overflow
            assertErrno(Errno.EINVAL, () -> h.write(0, null));
            assertErrno(Errno.EINVAL, () -> h.read(0, ByteBuffer.allocate(512).asReadOnlyBuffer()));
            assertEquals("nothing was submitted", before, h.stats().submitted());
            ByteBuffer back = ByteBuffer.allocate(512);
            await(h.read(0, back));
            assertArrayEquals("nothing changed", data, back.array());
        }
        assertErrno(Errno.ENOENT, () -> block.open("nosuch"));
    }

    // ---- disconnect under load ------------------------------------------------------------------

    @Test
    public void unplugDuringIoFromFourThreadsLosesNothing() throws Exception {
        String dev = vbus.plug("7eb1:0001");
        String disk = awaitDisk();
        ioUnderLoad(disk, () -> vbus.unplug(dev));
    }

    @Test
    public void ramdiskUnplugDuringIoLosesNothing() throws Exception {
        String dev = vbus.plug(RAMDISK);
        String disk = awaitDisk();
        ioUnderLoad(disk, () -> vbus.unplug(dev));
    }

    @Test
    public void driverBundleStopDuringIoLosesNothing() throws Exception {
        vbus.plug("7eb1:0001");
        String disk = awaitDisk();
        ioUnderLoad(disk, () -> bundle("org.drivermodel.driver-test").stop());
    }

    @Test
    public void ramdiskBundleStopDuringIoLosesNothing() throws Exception {
        vbus.plug(RAMDISK);
        String disk = awaitDisk();
        ioUnderLoad(disk, () -> bundle("org.drivermodel.driver-ramdisk").stop());
    }

    @Test
    public void busBundleStopDuringIoLosesNothingAndTheDiskComesBackWithTheBus() throws Exception {
        vbus.plug("7eb1:0001");
        String disk = awaitDisk();
        Bundle bus = bundle("org.drivermodel.bus-virtual");
        ioUnderLoad(disk, bus::stop);
        assertEquals(List.of(), block.disks());
        bus.start();
        awaitTrue("the device is enumerated and its disk registered again", () -> block.disks().size() == 1);
    }

    private interface Removal {
        void run() throws Exception;
    }

    /**
     * Four threads write and read their own blocks until refused; {@code removal} runs in the
     * middle. Every accepted request must complete exactly once, none after the removal
     * returned may reach the driver, and the handle must answer ENODEV afterwards.
     */
    private void ioUnderLoad(String disk, Removal removal) throws Exception {
        DiskHandle h = block.open(disk);
        DiskStats before = h.stats(); // the disk's counters, from before this load
        List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
        AtomicLong refused = new AtomicLong();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long offset = i * 4096L;
            Thread t = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocate(4096);
                for (int n = 0;; n++) {
                    try {
                        buf.clear();
                        futures.add((n % 2 == 0 ? h.write(offset, buf) : h.read(offset, buf)).toCompletableFuture());
                    } catch (DriverModelException e) {
                        if (e.errno() != Errno.ENODEV) {
                            unexpected.add(e.toString());
                        }
                        refused.incrementAndGet();
                        return;
                    }
                }
            }, "io-" + i);
            threads.add(t);
            t.start();
        }
        awaitTrue("I/O under way", () -> futures.size() > 2_000);
        removal.run();
        int lateBefore = lateCalls.size();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            assertFalse(t.getName() + " ended", t.isAlive());
        }
        int ok = 0;
        int failed = 0;
        for (CompletableFuture<Void> f : futures) {
            try {
                f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
                ok++;
            } catch (ExecutionException e) {
                failed++;
            }
        }
        DiskStats s = h.stats();
        assertEquals(List.of(), unexpected);
        assertEquals(4, refused.get());
        assertEquals("submitted", futures.size(), s.submitted() - before.submitted());
        assertEquals("submitted = succeeded + failed", s.submitted(), s.succeeded() + s.failed());
        assertEquals(ok, s.succeeded() - before.succeeded());
        assertEquals(failed, s.failed() - before.failed());
        assertEquals(0, s.inFlight());
        assertEquals("none completed twice", 0, s.ignoredCompletions());
        assertEquals("no handler call after remove returned", 0, lateBefore);
        assertEquals(List.of(), lateCalls);
        assertErrno(Errno.ENODEV, () -> h.read(0, ByteBuffer.allocate(512)));
        assertErrno(Errno.ENODEV, () -> h.read(100, ByteBuffer.allocate(100))); // gone beats malformed
        assertErrno(Errno.ENOENT, () -> block.open(disk));
        h.close();
    }

    @Test
    public void aRamdiskConfiguredWithSizeAndLatencyCompletesLaterAndStillLosesNothingOnUnplug() throws Exception {
        configure("org.drivermodel.ramdisk", "org.drivermodel.driver-ramdisk",
                "org.drivermodel.driver.ramdisk.RamdiskDriver", "size.bytes", 1L << 20, "latency.us", 300L);
        String dev = vbus.plug(RAMDISK);
        String disk = awaitDisk();
        try (DiskHandle h = block.open(disk)) {
            assertEquals(1 << 20, h.spec().capacity());
            byte[] data = new byte[4096];
            new Random(3).nextBytes(data);
            await(h.write(8192, ByteBuffer.wrap(data)));
            ByteBuffer back = ByteBuffer.allocate(4096);
            await(h.read(8192, back));
            assertArrayEquals(data, back.array());
        }
        assertEquals("2048\n", read("/class/block/" + disk + "/size"));
        ioUnderLoad(disk, () -> vbus.unplug(dev)); // completions on the ramdisk's timer are in flight
    }

    // ---- hostile drivers ----------------------------------------------------------------------

    @Test
    public void aHandlerThatThrowsFailsItsRequestsWithEioAndIsCounted() throws Exception {
        vbus.plug("7eb1:00e0");
        try (DiskHandle h = block.open(awaitDisk())) {
            ExecutionException e = assertFailed(h.write(0, ByteBuffer.allocate(512)));
            assertEquals(Errno.EIO, ((DriverModelException) e.getCause()).errno());
            assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("testblk 00e0 fails on purpose"));
            assertEquals(1, h.stats().handlerFailures());
            assertEquals(1, h.stats().failed());
        }
    }

    @Test
    public void aDoubleCompletionIsIgnoredAndCounted() throws Exception {
        vbus.plug("7eb1:00d0");
        try (DiskHandle h = block.open(awaitDisk())) {
            await(h.write(0, ByteBuffer.allocate(512)));
            DiskStats s = h.stats();
            assertEquals(1, s.succeeded());
            assertEquals(1, s.ignoredCompletions());
        }
    }

    @Test
    public void requestsADriverNeverCompletesAreAbortedAtRemovalWithinTheDeadline() throws Exception {
        configureBlock("drain.timeout.ms", 200L);
        String dev = vbus.plug("7eb1:00f0");
        DiskHandle h = block.open(awaitDisk());
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pending.add(h.write(i * 512L, ByteBuffer.allocate(512)).toCompletableFuture());
        }
        assertEquals(3, h.stats().inFlight());
        vbus.unplug(dev); // waits 200 ms for them, then aborts them
        for (CompletableFuture<Void> f : pending) {
            ExecutionException e = assertFailed(f);
            assertEquals(Errno.EIO, ((DriverModelException) e.getCause()).errno());
            assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("aborted"));
        }
        DiskStats s = h.stats();
        assertEquals(3, s.aborted());
        assertEquals(3, s.failed());
        assertEquals(0, s.inFlight());
        h.close();
    }

    // ---- a mounted disk -------------------------------------------------------------------------

    @Test
    public void aMountedDiskPinsItsDriverUntilAForcedStopOrphansTheMount() throws Exception {
        String disk = plugDisk(RAMDISK);
        DiskHandle h = block.open(disk); // the mount: a handle and a pin
        org.drivermodel.api.UsagePin mount = core.pin("/class/block/" + disk, "mounted on /mnt/data");
        assertEquals("ramdisk", mount.driver());
        assertErrno(Errno.EBUSY, () -> core.manage("vbus", "ramdisk", org.drivermodel.api.BundleAction.STOP, false));
        await(h.write(0, ByteBuffer.allocate(512))); // nothing changed: still mounted and working
        core.manage("vbus", "ramdisk", org.drivermodel.api.BundleAction.STOP, true);
        assertFalse(mount.isValid());
        assertErrno(Errno.ENODEV, mount::device);
        assertErrno(Errno.ENODEV, () -> h.write(0, ByteBuffer.allocate(512)));
        mount.close();
        h.close();
    }

    // ---- the shell ----------------------------------------------------------------------------

    @Test
    public void theShellWritesReadsChecksAndListsDisks() throws Exception {
        plugDisk(RAMDISK);
        CommandSession session = session();
        assertEquals("wrote 512 bytes at 1024 to ram0", session.execute("block:write ram0 1024 hello-disk"));
        assertEquals("hello-disk", session.execute("block:read ram0 1024 512"));
        assertEquals("ram0: 16 blocks written, flushed, read back and compared: all match",
                session.execute("block:check ram0 16"));
        String list = String.valueOf(session.execute("block:list"));
        assertTrue(list, list.matches("(?s)DISK\\s+BYTES\\s+BLOCK\\s+RO\\s+DEPTH\\s+INFLIGHT.*\nram0\\s+4194304\\s+512\\s+0\\s+32\\s+0\\s+.*"));
        assertErrno(Errno.EINVAL, () -> session.execute("block:read ram0 100 512"));
        assertErrno(Errno.EINVAL, () -> session.execute("block:read ram0 0 0"));
        assertErrno(Errno.ENOENT, () -> session.execute("block:read nosuch 0 512"));
        assertErrno(Errno.EINVAL, () -> session.execute("block:check ram0 0"));
        assertEquals("load on ram0: 2 threads for up to 60000 ms, under way", session.execute("block:load ram0 2 60000"));
        assertErrno(Errno.EBUSY, () -> session.execute("block:load ram0 1 100"));
        vbus.unplug(vbus.plugged().keySet().iterator().next());
        String report = String.valueOf(session.execute("block:loadwait 30"));
        assertTrue(report, report.matches("load on ram0: submitted (\\d+), succeeded \\d+, failed \\d+, lost 0 "
                + "\\(2 thread\\(s\\) refused at submit: the disk went\\)"));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private String plugDisk(String id) throws InterruptedException {
        vbus.plug(id);
        return awaitDisk();
    }

    /** The one disk registered (disks are registered by probe, before plug returns). */
    private String awaitDisk() throws InterruptedException {
        awaitTrue("a disk", () -> block.disks().size() == 1);
        return block.disks().get(0);
    }

    private static ExecutionException assertFailed(java.util.concurrent.CompletionStage<Void> io) throws Exception {
        try {
            io.toCompletableFuture().get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e;
        }
        throw new AssertionError("expected the request to fail");
    }

    private void configureBlock(String key, Object value) throws Exception {
        configure("org.drivermodel.block", "org.drivermodel.block", "org.drivermodel.block.impl.BlockLayerComponent", key, value);
    }

    /** Configures a component and waits until its configuration shows the values (it takes them in place). */
    private void configure(String pid, String bsn, String component, Object... keyValues) throws Exception {
        Dictionary<String, Object> props = properties(keyValues);
        configAdmin.getConfiguration(pid, "?").update(props);
        awaitTrue(component + " got " + props, () -> scr.getComponentConfigurationDTOs(
                scr.getComponentDescriptionDTO(bundle(bsn), component))
                .stream().anyMatch(c -> {
                    for (int i = 0; i < keyValues.length; i += 2) {
                        if (!keyValues[i + 1].equals(c.properties.get(keyValues[i]))) {
                            return false;
                        }
                    }
                    return true;
                }));
    }
}
