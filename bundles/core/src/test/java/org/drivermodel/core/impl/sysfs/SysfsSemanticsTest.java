package org.drivermodel.core.impl.sysfs;

import static org.drivermodel.core.impl.sysfs.Knob.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.drivermodel.api.AccessMode;
import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeDirectory;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.FileStat;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testing.Bounded;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The attribute tree behaves as sysfs does (issue #20), one test (or more) per row of the
 * comparison: one snapshot per open, a page per show, change notification, access at open,
 * directory handles and stat. The uevent file and bind/unbind are the device model's: see
 * {@code SysfsFilesTest} and {@code BindingSemanticsTest}.
 */
@Timeout(30)
class SysfsSemanticsTest {

    private static final String DIR = "/devices/vbus0/x";
    private static final Duration LONG = Duration.ofSeconds(Bounded.SECONDS);

    private final List<String> oversized = new CopyOnWriteArrayList<>();
    private final AttributeTree tree = new AttributeTree(LONG, new CallFaults() {
        @Override
        public void fault(String path, Object owner, String op, Throwable t) {
        }

        @Override
        public void oversized(String path, Object owner, int length) {
            oversized.add(path + " " + length);
        }
    });
    private final Knob knob = new Knob("k0", 7);

    @BeforeEach
    void skeleton() {
        for (String d : List.of("/devices", "/devices/vbus0", "/bus", "/bus/vbus", "/bus/vbus/devices")) {
            tree.createDirectory(d);
        }
        tree.activate("/devices");
        tree.activate("/bus");
    }

    private void addDevice(Knob owner, Attribute<Knob> extra) {
        tree.createDirectory(DIR);
        tree.addGroups(DIR, owner, List.of(Knob.files(), AttributeGroup.of(extra),
                AttributeGroup.named("power", Attribute.<Knob>ro("state", k -> "on\n"))));
        tree.createLink("/bus/vbus/devices/x", DIR);
        tree.activate(DIR);
    }

    private void addDevice(Knob owner) {
        addDevice(owner, Attribute.<Knob>ro("long", k -> {
            k.shows.incrementAndGet();
            return "0123456789".repeat(1000); // 10000 characters
        }));
    }

    // ---- reads of one open file: one snapshot per open ------------------------------------

    @Test
    void showRunsOnceAtOffsetZeroAndLaterReadsReturnTheRestOfThatSnapshot() {
        addDevice(knob);
        knob.value = 12345;
        try (AttributeFile f = tree.open(DIR + "/value")) {
            assertEquals(0, f.position());
            assertEquals("12", f.read(2));
            assertEquals(1, knob.shows.get(), "show ran at the first read, from offset 0");
            knob.value = 99999; // the owner's value changes: this open's snapshot does not
            assertEquals("345", f.read(3));
            assertEquals("\n", f.read(10));
            assertEquals("", f.read(10), "end of the snapshot");
            assertEquals(6, f.position());
            assertEquals(1, knob.shows.get(), "later reads at an offset call no show");

            f.seek(0); // as lseek(fd, 0, SEEK_SET): a read from 0 calls show again
            assertEquals("99999\n", f.read(100));
            assertEquals(2, knob.shows.get());

            f.seek(3);
            assertEquals("99\n", f.read(100), "a seek inside the snapshot reads on from there, no show");
            assertEquals(2, knob.shows.get());
            f.seek(100);
            assertEquals("", f.read(5), "past the end");
            assertEquals(2, knob.shows.get());
        }
    }

    @Test
    void readReturnsTheWholeFreshValueEachTimeAsBefore() {
        addDevice(knob);
        try (AttributeFile f = tree.open(DIR + "/value")) {
            assertEquals("7\n", f.read());
            knob.value = 8;
            assertEquals("8\n", f.read(), "read() is seek(0) and one fresh show");
            assertEquals(2, f.position());
            assertEquals("", f.read(1), "and leaves the position at the end of that value");
            assertEquals(2, knob.shows.get());
        }
    }

    @Test
    void aReadAtAnOffsetWithNoSnapshotYetShowsOnce() {
        addDevice(knob);
        knob.value = 4321;
        try (AttributeFile f = tree.open(DIR + "/value")) {
            f.seek(2);
            assertEquals("21\n", f.read(10));
            assertEquals(1, knob.shows.get());
        }
    }

    @Test
    void eachOpenHasItsOwnSnapshot() {
        addDevice(knob);
        knob.value = 11;
        try (AttributeFile a = tree.open(DIR + "/value"); AttributeFile b = tree.open(DIR + "/value")) {
            assertEquals("1", a.read(1));
            knob.value = 22;
            assertEquals("2", b.read(1));
            assertEquals("1\n", a.read(5));
            assertEquals("2\n", b.read(5));
        }
    }

    @Test
    void badPositionsAndCountsAreEinvalNamingTheFile() {
        addDevice(knob);
        AttributeFile f = tree.open(DIR + "/value");
        DriverModelException e = fails(Errno.EINVAL, () -> f.read(-1));
        assertEquals("EINVAL: /devices/vbus0/x/value: negative count -1", e.getMessage());
        e = fails(Errno.EINVAL, () -> f.seek(-1));
        assertEquals("EINVAL: /devices/vbus0/x/value: negative position -1", e.getMessage());
        f.close();
        fails(Errno.EINVAL, () -> f.read(1));
        fails(Errno.EINVAL, () -> f.seek(0));
        assertEquals(0, knob.shows.get());
    }

    @Test
    void offsetReadsThroughAnOrphanedHandleGiveEnodev() {
        addDevice(knob);
        AttributeFile f = tree.open(DIR + "/value");
        assertEquals("7", f.read(1));
        assertTrue(tree.remove(DIR).drained());
        f.seek(0); // a seek touches no owner: fine ...
        fails(Errno.ENODEV, () -> f.read(1)); // ... a show is not
        f.seek(1);
        fails(Errno.ENODEV, () -> f.read(1)); // nor a read on in the snapshot: every read takes the active reference
        f.close();
    }

    // ---- output longer than a page ----------------------------------------------------------

    @Test
    void aShowLongerThanAPageIsCutToOnePageInEveryReadPath() {
        addDevice(knob);
        try (AttributeFile f = tree.open(DIR + "/long")) {
            assertEquals(4096, f.read().length());
            StringBuilder all = new StringBuilder();
            f.seek(0);
            for (String part = f.read(1000); !part.isEmpty(); part = f.read(1000)) {
                all.append(part);
            }
            assertEquals("0123456789".repeat(1000).substring(0, 4096), all.toString());
        }
        assertEquals(List.of(DIR + "/long 10000", DIR + "/long 10000"), oversized, "reported at each show; the core warns once");
        assertEquals(4096, AttributeFile.PAGE_SIZE);
    }

    // ---- access mode at open -----------------------------------------------------------------

    @Test
    void openingForAnAccessTheFileLacksIsEaccesAtOpen() {
        addDevice(knob);
        DriverModelException e = fails(Errno.EACCES, () -> tree.open(DIR + "/reset", AccessMode.READ));
        assertTrue(e.getMessage().startsWith("EACCES: /devices/vbus0/x/reset: cannot open for READ"), e.getMessage());
        e = fails(Errno.EACCES, () -> tree.open(DIR + "/name", AccessMode.WRITE));
        assertTrue(e.getMessage().startsWith("EACCES: /devices/vbus0/x/name: cannot open for WRITE"), e.getMessage());
        fails(Errno.EACCES, () -> tree.open("/bus/vbus/devices/x/name", AccessMode.READ_WRITE));
        assertTrue(((FileNode) tree.node(DIR + "/name")).handles().isEmpty(), "nothing was opened");
        assertEquals(0, knob.shows.get() + knob.stores.get());
    }

    @Test
    void aHandleReadsOrWritesOnlyAsItWasOpened() {
        addDevice(knob);
        try (AttributeFile r = tree.open(DIR + "/value", AccessMode.READ);
                AttributeFile w = tree.open(DIR + "/value", AccessMode.WRITE);
                AttributeFile rw = tree.open(DIR + "/value", AccessMode.READ_WRITE)) {
            assertEquals("7\n", r.read());
            DriverModelException e = fails(Errno.EBADF, () -> r.write("8"));
            assertEquals("EBADF: /devices/vbus0/x/value: not opened for writing (opened READ)", e.getMessage());
            w.write("9");
            fails(Errno.EBADF, () -> w.read());
            fails(Errno.EBADF, () -> w.read(1));
            rw.write("10");
            assertEquals("10\n", rw.read());
        }
        assertEquals(10, knob.value);
    }

    @Test
    void openWithoutAModeOpensForWhatTheFilePermitsAndFailsAtTheAccessAsBefore() {
        addDevice(knob);
        try (AttributeFile reset = tree.open(DIR + "/reset"); AttributeFile name = tree.open(DIR + "/name")) {
            fails(Errno.EACCES, () -> reset.read());
            fails(Errno.EACCES, () -> name.write("x"));
            reset.write("1");
            assertEquals("k0\n", name.read());
        }
    }

    // ---- change notification ---------------------------------------------------------------

    @Test
    void aWaitReturnsWhenANotificationCameAfterTheLastShowAndReadingConsumesIt() {
        addDevice(knob);
        try (AttributeFile f = tree.open(DIR + "/value")) {
            assertFalse(f.awaitChange(Duration.ZERO), "nothing announced since the open");
            tree.notifyChange(DIR + "/value");
            assertTrue(f.awaitChange(Duration.ZERO));
            assertTrue(f.awaitChange(LONG), "a wait does not consume it ...");
            f.read();
            assertFalse(f.awaitChange(Duration.ofMillis(1)), "... a show does");
            tree.notifyChange("/bus/vbus/devices/x/value"); // through a link, as sysfs_notify of the kobject
            assertTrue(f.awaitChange(Duration.ZERO));
        }
    }

    @Test
    void aWaiterBlockedInAnotherThreadWakesAtTheNotification() {
        addDevice(knob);
        try (AttributeFile f = tree.open(DIR + "/value")) {
            f.read();
            Bounded.Worker<Boolean> waiter = Bounded.Worker.start("waiter", () -> f.awaitChange(LONG));
            Bounded.until(() -> waiter.getState() == Thread.State.TIMED_WAITING, "the waiter blocks");
            tree.notifyChange(DIR + "/value");
            assertTrue(waiter.finish(), "woken by the change, not the timeout");
        }
    }

    @Test
    void aWaiterIsWokenAtOnceWithEnodevWhenItsFileIsRemoved() {
        addDevice(knob);
        AttributeFile f = tree.open(DIR + "/value");
        Bounded.Worker<String> waiter = Bounded.Worker.start("waiter", () -> {
            try {
                return "returned " + f.awaitChange(Duration.ofDays(1)); // a day: only the removal can end it in time
            } catch (DriverModelException e) {
                return e.getMessage();
            }
        });
        Bounded.until(() -> waiter.getState() == Thread.State.TIMED_WAITING, "the waiter blocks");
        assertTrue(tree.remove(DIR).drained());
        assertEquals("ENODEV: /devices/vbus0/x/value: was removed", waiter.finish());
        fails(Errno.ENODEV, () -> f.awaitChange(Duration.ofDays(1))); // a wait after the removal answers at once too
        f.close();
    }

    @Test
    void aWaiterRacingANotificationAndARemovalAlwaysEndsWithOneOfTheTwo() {
        for (int round = 0; round < 100; round++) {
            addDevice(new Knob("k" + round, round));
            AttributeFile f = tree.open(DIR + "/value");
            f.read();
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(3);
            Bounded.Worker<String> waiter = Bounded.Worker.start("waiter", () -> {
                Bounded.await(start);
                try {
                    return f.awaitChange(Duration.ofDays(1)) ? "changed" : "timeout";
                } catch (DriverModelException e) {
                    return e.errno().name();
                }
            });
            Bounded.Worker<Void> notifier = Bounded.Worker.start("notifier", () -> {
                Bounded.await(start);
                try {
                    tree.notifyChange(DIR + "/value");
                } catch (DriverModelException e) {
                    assertEquals(Errno.ENOENT, e.errno(), "removed first"); // claimed: the lookup fails
                }
            });
            Bounded.await(start);
            assertTrue(tree.remove(DIR).drained());
            notifier.finish();
            String outcome = waiter.finish(); // a day's timeout: only a wake ends it within the bound
            assertTrue(outcome.equals("changed") || outcome.equals("ENODEV"), outcome);
            f.close();
        }
    }

    @Test
    void closingAHandleWakesItsWaiterWithEinval() {
        addDevice(knob);
        AttributeFile f = tree.open(DIR + "/value");
        Bounded.Worker<Errno> waiter = Bounded.Worker.start("waiter", () -> {
            try {
                f.awaitChange(Duration.ofDays(1));
                return null;
            } catch (DriverModelException e) {
                return e.errno();
            }
        });
        Bounded.until(() -> waiter.getState() == Thread.State.TIMED_WAITING, "the waiter blocks");
        f.close();
        assertEquals(Errno.EINVAL, waiter.finish());
    }

    @Test
    void anInterruptedWaitIsEintrAndKeepsTheInterrupt() {
        addDevice(knob);
        try (AttributeFile f = tree.open(DIR + "/value")) {
            Bounded.Worker<String> waiter = Bounded.Worker.start("waiter", () -> {
                try {
                    f.awaitChange(Duration.ofDays(1));
                    return "returned";
                } catch (DriverModelException e) {
                    return e.errno() + " interrupted=" + Thread.currentThread().isInterrupted();
                }
            });
            Bounded.until(() -> waiter.getState() == Thread.State.TIMED_WAITING, "the waiter blocks");
            waiter.interrupt();
            assertEquals("EINTR interrupted=true", waiter.finish());
        }
    }

    @Test
    void aNotificationFromInsideShowOrStoreDoesNotDeadlock() {
        Attribute<Knob> chatty = Attribute.<Knob>rw("chatty", k -> {
            tree.notifyChange(DIR + "/chatty");  // its own file, inside its show
            tree.notifyChange(DIR + "/value");
            return "c\n";
        }, (k, v, ctx) -> tree.notifyChange(ctx.path()));
        addDevice(knob, chatty);
        try (AttributeFile f = tree.open(DIR + "/chatty"); AttributeFile value = tree.open(DIR + "/value")) {
            assertEquals("c\n", f.read());
            assertTrue(f.awaitChange(Duration.ZERO), "announced during the show, after its count was taken");
            assertTrue(value.awaitChange(Duration.ZERO));
            f.read();
            f.write("x");
            assertTrue(f.awaitChange(Duration.ZERO));
        }
    }

    @Test
    void aShowThatBlocksDelaysNoNotificationOfAnotherFile() {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        addDevice(knob, Attribute.<Knob>ro("slow", k -> {
            entered.countDown();
            Bounded.await(proceed);
            return "slow\n";
        }));
        try (AttributeFile slow = tree.open(DIR + "/slow"); AttributeFile value = tree.open(DIR + "/value")) {
            Bounded.Worker<String> reader = Bounded.Worker.start("reader", () -> slow.read());
            Bounded.await(entered);
            Bounded.Worker<Boolean> waiter = Bounded.Worker.start("waiter", () -> value.awaitChange(LONG));
            tree.notifyChange(DIR + "/value");
            tree.notifyChange(DIR + "/slow"); // the blocked file itself: no lock of its show is taken
            assertTrue(waiter.finish());
            assertTrue(reader.isAlive(), "the show is still blocked");
            proceed.countDown();
            assertEquals("slow\n", reader.finish());
            assertTrue(slow.awaitChange(Duration.ZERO), "announced during its show: the next wait returns at once");
        }
    }

    @Test
    void aFileNobodyOpenedCostsNothingToNotify() {
        addDevice(knob);
        FileNode node = (FileNode) tree.node(DIR + "/value");
        for (int i = 0; i < 3; i++) {
            tree.notifyChange(DIR + "/value");
        }
        assertFalse(node.everOpened(), "no notification state was made");
        try (AttributeFile f = tree.open(DIR + "/value")) {
            assertFalse(f.awaitChange(Duration.ZERO), "a handle counts from its open");
        }
    }

    @Test
    void badNotificationsAreRefusedNamingTheObject() {
        addDevice(knob);
        DriverModelException e = fails(Errno.ENOENT, () -> tree.notifyChange(DIR + "/nosuch"));
        assertTrue(e.getMessage().contains(DIR + "/nosuch"), e.getMessage());
        e = fails(Errno.EINVAL, () -> tree.notifyChange(DIR + "/power"));
        assertEquals("EINVAL: /devices/vbus0/x/power: is a directory", e.getMessage());
        fails(Errno.EINVAL, () -> tree.notifyChange("relative"));
        fails(Errno.EINVAL, () -> tree.notifyChange(null));
        try (AttributeFile f = tree.open(DIR + "/value")) {
            fails(Errno.EINVAL, () -> f.awaitChange(null));
        }
        assertTrue(tree.remove(DIR).drained());
        fails(Errno.ENOENT, () -> tree.notifyChange(DIR + "/value"));
    }

    // ---- directory handles -----------------------------------------------------------------

    @Test
    void aDirectoryIsListedThroughItsHandle() {
        addDevice(knob);
        try (AttributeDirectory d = tree.openDirectory("/bus/vbus/devices/x")) {
            assertEquals(DIR, d.path(), "links resolved");
            assertEquals(List.of("long", "name", "power", "reset", "value"), d.list());
            tree.remove(DIR + "/long");
            assertEquals(List.of("name", "power", "reset", "value"), d.list(), "each list looks again");
        }
    }

    @Test
    void aHandleOnARemovedDirectoryListsNothingAsKernfsReaddir() {
        addDevice(knob);
        AttributeDirectory d = tree.openDirectory(DIR);
        AttributeDirectory power = tree.openDirectory(DIR + "/power");
        assertTrue(tree.remove(DIR).drained());
        assertEquals(List.of(), d.list(), "no entries and no error: the end of the directory");
        assertEquals(List.of(), power.list());
        fails(Errno.ENOENT, () -> tree.list(DIR));
        fails(Errno.ENOENT, () -> tree.openDirectory(DIR));

        addDevice(new Knob("k1", 1)); // the same name again: another node
        assertEquals(List.of(), d.list(), "the old handle never sees the new directory");
        try (AttributeDirectory again = tree.openDirectory(DIR)) {
            assertEquals(List.of("long", "name", "power", "reset", "value"), again.list());
        }
        d.close();
        power.close();
    }

    @Test
    void badDirectoryOpensAreRefusedNamingThePath() {
        addDevice(knob);
        DriverModelException e = fails(Errno.EINVAL, () -> tree.openDirectory(DIR + "/value"));
        assertTrue(e.getMessage().startsWith("EINVAL: /devices/vbus0/x/value"), e.getMessage());
        e = fails(Errno.ENOENT, () -> tree.openDirectory(DIR + "/nosuch"));
        assertTrue(e.getMessage().contains("/devices/vbus0/x/nosuch"), e.getMessage());
        fails(Errno.EINVAL, () -> tree.openDirectory("no/slash"));
        AttributeDirectory d = tree.openDirectory(DIR);
        d.close();
        d.close();
        e = fails(Errno.EINVAL, () -> d.list());
        assertEquals("EINVAL: /devices/vbus0/x: directory is closed", e.getMessage());
    }

    // ---- stat ----------------------------------------------------------------------------------

    @Test
    void statTellsModeAndTheSizeSysfsReportsByPath() {
        addDevice(knob);
        assertEquals(new FileStat(DIR + "/value", FileStat.Type.FILE, 0644, 4096), tree.stat(DIR + "/value"));
        assertEquals(new FileStat(DIR + "/name", FileStat.Type.FILE, 0444, 4096), tree.stat("/bus/vbus/devices/x/name"));
        assertEquals(new FileStat(DIR + "/reset", FileStat.Type.FILE, 0200, 4096), tree.stat(DIR + "/reset"));
        assertEquals(new FileStat(DIR, FileStat.Type.DIRECTORY, 0755, 0), tree.stat("/bus/vbus/devices/x"));
        assertEquals(0, knob.shows.get(), "stat calls no show");
        assertTrue(tree.remove(DIR).drained());
        DriverModelException e = fails(Errno.ENOENT, () -> tree.stat(DIR + "/value"));
        assertTrue(e.getMessage().contains(DIR + "/value"), e.getMessage());
        fails(Errno.ENOENT, () -> tree.stat("/bus/vbus/devices/x"));
        fails(Errno.EINVAL, () -> tree.stat("bad"));
    }
}
