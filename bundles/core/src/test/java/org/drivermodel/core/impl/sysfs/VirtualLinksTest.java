package org.drivermodel.core.impl.sysfs;

import static org.drivermodel.core.impl.sysfs.Knob.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * The two virtual links of a device (issue #19): its entry in its bus's link directory
 * ({@code /bus/vbus/devices/x}) and its directory's link slot ({@code /devices/vbus0/x/driver}).
 * Neither is a node, yet each is looked up, followed, stat'ed and listed as a symlink, appears
 * with its directory, goes with its target, and refuses what a link refuses.
 */
@Timeout(60)
class VirtualLinksTest {

    private static final Duration LONG = Duration.ofSeconds(Bounded.SECONDS);
    /** A device directory's kind: one shared file, "id", and the link slot "driver". */
    private static final DirectoryKind<Knob> DEVICE = new DirectoryKind<>(AttributeGroup.of(Attribute.<Knob>ro("id", k -> k.name + "\n")),
            "driver");
    private static final List<String> DEVICE_FILES = List.of("id", "name", "reset", "value");

    private final AttributeTree tree = new AttributeTree(LONG);
    private TreeDirectory devices;
    private TreeDirectory links;
    private TreeDirectory driver;
    private final Knob vled = new Knob("vled", 0);

    @BeforeEach
    void skeleton() {
        tree.createDirectory("/devices");
        devices = tree.createDirectory("/devices/vbus0");
        tree.createDirectory("/devices/other");
        tree.createDirectory("/bus");
        tree.createDirectory("/bus/vbus");
        links = tree.createLinkDirectory("/bus/vbus/devices", devices);
        tree.createDirectory("/bus/vbus/drivers");
        driver = tree.createDirectory("/bus/vbus/drivers/vled");
        tree.addGroups(driver, vled, List.of(AttributeGroup.of(Attribute.<Knob>wo("bind", (k, v, ctx) -> k.stores.incrementAndGet()))));
        for (String dir : List.of("/devices", "/bus")) {
            tree.activate(dir);
        }
    }

    /** A device's directory as the layout builds it: kind, own files, its link; not activated. */
    private TreeDirectory device(TreeDirectory parent, String name, Knob k) {
        TreeDirectory dir = tree.createDirectory(parent, name, DEVICE, k);
        tree.addGroups(dir, k, List.of(Knob.files()));
        tree.link(links, dir);
        return dir;
    }

    /** @return a new active directory under /devices/other, for a device with a parent */
    private TreeDirectory parent(String name) {
        TreeDirectory p = tree.createDirectory("/devices/other", name);
        tree.activate(p);
        return p;
    }

    private int children(String dir) {
        return ((DirNode) tree.node(dir)).size();
    }

    // ---- link directories ----------------------------------------------------------------------

    @Test
    void aLinkDirectoryListsFollowsAndStatsItsTargetsOnceTheyAreActiveAndHoldsNoNodeForThem() {
        TreeDirectory x = device(devices, "x", new Knob("x", 5));
        assertEquals(List.of(), tree.list("/bus/vbus/devices"), "a link appears with its target, not before");
        fails(Errno.ENOENT, () -> tree.open("/bus/vbus/devices/x/value"));
        fails(Errno.ENOENT, () -> tree.stat("/bus/vbus/devices/x"));

        tree.activate(x);
        assertEquals(List.of("x"), tree.list("/bus/vbus/devices"));
        assertEquals(new FileStat("/devices/vbus0/x", FileStat.Type.DIRECTORY, 0755, 0), tree.stat("/bus/vbus/devices/x"));
        assertEquals("/devices/vbus0/x/value", tree.stat("/bus/vbus/devices/x/value").path());
        assertEquals(DEVICE_FILES, tree.list("/bus/vbus/devices/x"));
        try (AttributeFile value = tree.open("/bus/vbus/devices/x/value", AccessMode.READ_WRITE);
                AttributeFile id = tree.open("/bus/vbus/devices/x/id");
                AttributeDirectory dir = tree.openDirectory("/bus/vbus/devices/x")) {
            assertEquals("5\n", value.read());
            value.write("7");
            assertEquals("7\n", tree.open("/devices/vbus0/x/value").read(), "the same file");
            assertEquals("x\n", id.read(), "a shared file through the link");
            assertEquals("/devices/vbus0/x", dir.path());
            assertEquals(DEVICE_FILES, dir.list());
        }
        assertEquals(0, children("/bus/vbus/devices"), "a link directory's links are not nodes");

        TreeDirectory unlinked = tree.createDirectory(devices, "unlinked", null, null);
        tree.activate(unlinked);
        assertEquals(List.of("x"), tree.list("/bus/vbus/devices"), "a mirrored directory's child is linked only if given");
        fails(Errno.ENOENT, () -> tree.stat("/bus/vbus/devices/unlinked"));
        TreeDirectory nested = device(parent("p"), "unlinked", new Knob("n", 3));
        tree.activate(nested);
        assertEquals(List.of("unlinked", "x"), tree.list("/bus/vbus/devices"));
        assertEquals("/devices/other/p/unlinked", tree.stat("/bus/vbus/devices/unlinked").path());
        assertTrue(links.toString().endsWith(", 1 links in its table]"), "x costs no entry, the nested one does: " + links);
    }

    @Test
    void aLinkDirectoryOfManyTargetsListsThemSortedAndFindsEachAsTheyComeAndGo() {
        Random random = new Random(19);
        TreeSet<String> expected = new TreeSet<>();
        List<TreeDirectory> dirs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String name = "d" + random.nextInt(1_000_000);
            if (expected.add(name)) {
                TreeDirectory d = device(i % 2 == 0 ? devices : parent("p" + i), name, new Knob(name, 1));
                tree.activate(d);
                dirs.add(d);
            }
        }
        assertEquals(List.copyOf(expected), tree.list("/bus/vbus/devices"));
        for (int i = 0; i < dirs.size(); i += 2) {
            assertTrue(tree.remove(dirs.get(i), LONG).drained());
            expected.remove(((DirNode) dirs.get(i)).name);
        }
        assertEquals(List.copyOf(expected), tree.list("/bus/vbus/devices"));
        for (String name : expected) {
            assertEquals(name + "\n", tree.open("/bus/vbus/devices/" + name + "/name").read());
        }
        for (int i = 0; i < dirs.size(); i += 2) {
            String name = ((DirNode) dirs.get(i)).name;
            fails(Errno.ENOENT, () -> tree.stat("/bus/vbus/devices/" + name));
        }
    }

    @Test
    void aLinkGoesWithItsTargetAtTheClaimAndItsNameIsFreeOnceTheTargetIsDetached() {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Knob k = new Knob("x", 1);
        TreeDirectory x = device(devices, "x", k);
        tree.addGroups(x, k, List.of(AttributeGroup.of(Attribute.<Knob>ro("slow", o -> {
            entered.countDown();
            Bounded.await(proceed);
            return "slow\n";
        }))));
        tree.activate(x);
        Node node = tree.node("/devices/vbus0/x");
        AttributeFile slow = tree.open("/bus/vbus/devices/x/slow");
        Bounded.Worker<String> reader = Bounded.Worker.start("reader", () -> slow.read());
        Bounded.await(entered);
        Bounded.Worker<RemovalReport> remover = Bounded.Worker.start("remover", () -> tree.remove(x, LONG));
        Bounded.until(() -> tree.removalOf(node) != null, "the removal claimed x");

        // claimed, still draining: the link is gone for every lookup ...
        assertEquals(List.of(), tree.list("/bus/vbus/devices"));
        fails(Errno.ENOENT, () -> tree.open("/bus/vbus/devices/x/value"));
        fails(Errno.ENOENT, () -> tree.stat("/bus/vbus/devices/x"));
        // ... but its name is taken until the target is detached, as a link node's was
        TreeDirectory other = tree.createDirectory(parent("p"), "x", DEVICE, new Knob("x2", 2));
        fails(Errno.EEXIST, () -> tree.link(links, other));
        assertTrue(remover.isAlive(), "the removal waits for the show in flight");

        proceed.countDown();
        assertEquals("slow\n", reader.finish());
        assertTrue(remover.finish().drained());
        tree.link(links, other);
        tree.activate(other);
        assertEquals(List.of("x"), tree.list("/bus/vbus/devices"));
        assertEquals("/devices/other/p/x", tree.stat("/bus/vbus/devices/x").path(), "the new target, never the old");
    }

    @Test
    void aLinkDirectoryHoldsNothingElseAndBadLinksAreRefusedChangingNothing() {
        Knob k = new Knob("x", 1);
        TreeDirectory x = device(devices, "x", k);
        tree.activate(x);

        fails(Errno.EINVAL, () -> tree.createDirectory("/bus/vbus/devices/z"));
        fails(Errno.EINVAL, () -> tree.createDirectory(links, "z", null, null));
        fails(Errno.EINVAL, () -> tree.createLink("/bus/vbus/devices/z", "/devices/vbus0"));
        fails(Errno.EINVAL, () -> tree.createLink(links, "z", devices));
        assertTrue(fails(Errno.EINVAL, () -> tree.addGroups(links, k, List.of(Knob.files()))).getMessage().contains("/bus/vbus/devices"));
        fails(Errno.EINVAL, () -> tree.addGroups("/bus/vbus/devices", k, List.of(Knob.files())));
        fails(Errno.EINVAL, () -> tree.createLinkDirectory("/bus/vbus/devices/z", null));

        assertTrue(fails(Errno.EINVAL, () -> tree.link(devices, x)).getMessage().contains("not a link directory"));
        assertTrue(fails(Errno.EINVAL, () -> tree.link(links, x)).getMessage().contains("linked from /bus/vbus/devices"));
        TreeDirectory p = parent("p");
        TreeDirectory twin = tree.createDirectory(p, "x", DEVICE, new Knob("twin", 0));
        assertTrue(fails(Errno.EEXIST, () -> tree.link(links, twin)).getMessage().contains("/bus/vbus/devices/x"));
        TreeDirectory nested = device(p, "n", new Knob("n", 0));
        TreeDirectory mirroredTwin = tree.createDirectory(devices, "n", DEVICE, new Knob("n2", 0));
        fails(Errno.EEXIST, () -> tree.link(links, mirroredTwin));
        tree.activate(nested);
        fails(Errno.EINVAL, () -> tree.link(null, x));
        fails(Errno.EINVAL, () -> tree.link(links, null));
        TreeDirectory gone = tree.createDirectory(devices, "gone", DEVICE, new Knob("gone", 0));
        tree.remove(gone, LONG);
        fails(Errno.ENOENT, () -> tree.link(links, gone));
        fails(Errno.EEXIST, () -> tree.createLinkDirectory("/bus/vbus/devices", null));
        fails(Errno.ENOENT, () -> tree.createLinkDirectory("/bus/none/devices", devices));

        assertTrue(fails(Errno.EINVAL, () -> tree.remove("/bus/vbus/devices/x")).getMessage().contains("goes only with its target"));
        fails(Errno.EINVAL, () -> tree.remove(links, "x", LONG));

        assertEquals(List.of("n", "x"), tree.list("/bus/vbus/devices"), "nothing changed");
        assertEquals("/devices/other/p/n", tree.stat("/bus/vbus/devices/n").path());
        assertEquals(DEVICE_FILES, tree.list("/bus/vbus/devices/x"));
        assertEquals(0, children("/bus/vbus/devices"));
    }

    @Test
    void removingALinkDirectoryLeavesItsTargetsWhichMayBeLinkedAgain() {
        TreeDirectory x = device(devices, "x", new Knob("x", 1));
        tree.activate(x);
        assertTrue(tree.remove("/bus/vbus/devices").drained());
        fails(Errno.ENOENT, () -> tree.list("/bus/vbus/devices"));
        assertEquals(DEVICE_FILES, tree.list("/devices/vbus0/x"), "the targets stay");

        TreeDirectory again = tree.createLinkDirectory("/bus/vbus/devices", devices);
        tree.activate(again);
        tree.link(again, x);
        assertEquals(List.of("x"), tree.list("/bus/vbus/devices"));
        assertTrue(tree.remove(x, LONG).drained());
        assertEquals(List.of(), tree.list("/bus/vbus/devices"));
    }

    // ---- link slots ----------------------------------------------------------------------------

    @Test
    void aLinkSlotAppearsWithItsDirectorysNewFilesIsFollowedAndIsClearedAtOnce() {
        Knob k = new Knob("x", 1);
        TreeDirectory x = device(devices, "x", k);
        tree.activate(x);
        assertEquals(DEVICE_FILES, tree.list("/devices/vbus0/x"), "no link while the slot is empty");
        int nodes = children("/devices/vbus0/x");

        tree.addGroups(x, k, List.of(AttributeGroup.of(Attribute.<Knob>ro("state", o -> "bound\n"))));
        assertEquals(DEVICE_FILES, tree.list("/devices/vbus0/x"), "the binding's files are not visible yet");
        tree.activate(x, driver);
        assertEquals(List.of("driver", "id", "name", "reset", "state", "value"), tree.list("/devices/vbus0/x"), "the link with the files");
        assertEquals(nodes + 1, children("/devices/vbus0/x"), "one node more: the file; the link is none");
        assertEquals(new FileStat("/bus/vbus/drivers/vled", FileStat.Type.DIRECTORY, 0755, 0), tree.stat("/devices/vbus0/x/driver"));
        assertEquals(List.of("bind"), tree.list("/devices/vbus0/x/driver"));
        try (AttributeFile bind = tree.open("/bus/vbus/devices/x/driver/bind")) { // through both links
            bind.write("x");
        }
        assertEquals(1, vled.stores.get(), "the driver's store ran, reached through both links");

        fails(Errno.EEXIST, () -> tree.addGroups(x, k, List.of(AttributeGroup.of(Attribute.<Knob>ro("driver", o -> "")))));
        fails(Errno.EEXIST, () -> tree.createDirectory(x, "driver", null, null));
        fails(Errno.EEXIST, () -> tree.createLink(x, "driver", devices));
        assertTrue(fails(Errno.EINVAL, () -> tree.remove("/devices/vbus0/x/driver")).getMessage().contains("cleared, not removed"));
        assertEquals("/bus/vbus/drivers/vled", tree.stat("/devices/vbus0/x/driver").path(), "nothing changed");

        tree.clearLink(x);
        assertEquals(List.of("id", "name", "reset", "state", "value"), tree.list("/devices/vbus0/x"));
        fails(Errno.ENOENT, () -> tree.open("/devices/vbus0/x/driver/bind"));
        fails(Errno.ENOENT, () -> tree.stat("/devices/vbus0/x/driver"));
        tree.clearLink(x); // an empty slot: nothing to do
        tree.activate(x, driver); // and bound again
        assertEquals("/bus/vbus/drivers/vled", tree.stat("/bus/vbus/devices/x/driver").path());
    }

    @Test
    void aLinkSlotIsRefusedWhereItCannotBeAndARefusalChangesNothing() {
        Knob k = new Knob("x", 1);
        TreeDirectory plain = tree.createDirectory(devices, "plain", DirectoryKind.of(AttributeGroup.of(Knob.nameFile())), k);
        assertTrue(fails(Errno.EINVAL, () -> tree.activate(plain, driver)).getMessage().contains("no link slot"));
        fails(Errno.ENOENT, () -> tree.list("/devices/vbus0/plain"));

        TreeDirectory taken = tree.createDirectory(devices, "taken", DEVICE, k);
        tree.addGroups(taken, k, List.of(AttributeGroup.of(Attribute.<Knob>ro("driver", o -> ""))));
        assertTrue(fails(Errno.EEXIST, () -> tree.activate(taken, driver)).getMessage().contains("/devices/vbus0/taken/driver"));
        fails(Errno.ENOENT, () -> tree.list("/devices/vbus0/taken"));

        TreeDirectory x = device(devices, "x", k);
        fails(Errno.EINVAL, () -> tree.activate(null, driver));
        fails(Errno.EINVAL, () -> tree.activate(x, null));
        fails(Errno.EINVAL, () -> tree.clearLink(null));
        TreeDirectory gone = tree.createDirectory("/bus/vbus/drivers/gone");
        tree.remove(gone, LONG);
        fails(Errno.ENOENT, () -> tree.activate(x, gone));
        fails(Errno.ENOENT, () -> tree.list("/devices/vbus0/x"));

        AttributeGroup<Knob> files = AttributeGroup.of(Knob.nameFile());
        fails(Errno.EINVAL, () -> new DirectoryKind<>(files, "a/b"));
        fails(Errno.EINVAL, () -> new DirectoryKind<>(files, ""));
        fails(Errno.EINVAL, () -> new DirectoryKind<>(files, ".."));
        fails(Errno.EEXIST, () -> new DirectoryKind<>(files, "name"));
        fails(Errno.EINVAL, () -> new DirectoryKind<Knob>(null, "driver"));
        fails(Errno.EINVAL, () -> new DirectoryKind<>(AttributeGroup.named("g", Knob.nameFile()), "driver"));
    }

    @Test
    void aLinkSlotWhoseTargetIsRemovedIsNoEntryUntilClearedAndGoesWithItsDirectory() {
        Knob k = new Knob("x", 1);
        TreeDirectory x = device(devices, "x", k);
        tree.activate(x, driver);
        // the driver's directory goes before its devices are unbound (Hotplug.removeDriver)
        assertTrue(tree.remove(driver, LONG).drained());
        assertEquals(DEVICE_FILES, tree.list("/devices/vbus0/x"));
        fails(Errno.ENOENT, () -> tree.stat("/devices/vbus0/x/driver"));
        fails(Errno.ENOENT, () -> tree.open("/devices/vbus0/x/driver/bind"));
        fails(Errno.ENOENT, () -> tree.remove("/devices/vbus0/x/driver"));
        // its name is free, as a link node's was once claimed with its target
        tree.addGroups(x, k, List.of(AttributeGroup.of(Attribute.<Knob>ro("driver", o -> "a file\n"))));
        tree.activate(x);
        assertEquals("a file\n", tree.open("/devices/vbus0/x/driver").read());
        tree.clearLink(x); // the unbind, late: the file stays
        assertEquals("a file\n", tree.open("/devices/vbus0/x/driver").read());
        TreeDirectory vnet = tree.createDirectory("/bus/vbus/drivers/vnet");
        tree.activate(vnet);
        assertTrue(fails(Errno.EEXIST, () -> tree.activate(x, vnet)).getMessage().contains("/devices/vbus0/x/driver"));

        // a directory's removal takes its slot: clearing it afterwards is nothing to do
        TreeDirectory y = device(devices, "y", new Knob("y", 1));
        tree.activate(y, vnet);
        Node node = tree.node("/devices/vbus0/y");
        assertTrue(tree.remove(y, LONG).drained());
        tree.clearLink(y);
        fails(Errno.ENOENT, () -> tree.stat("/bus/vbus/devices/y/driver"));
        assertEquals(List.of("x"), tree.list("/bus/vbus/devices"));
        assertEquals(NodeState.REMOVED, node.state);
    }

    // ---- concurrency ---------------------------------------------------------------------------

    /**
     * Devices are built, bound, unbound and removed on one thread while two threads list the
     * link directory and look through each link: whatever the interleaving, a device is seen
     * whole or not at all, its driver link only with the binding's file, and every failure is
     * ENOENT.
     */
    @Test
    void readersThroughVirtualLinksSeeEachDeviceWholeOrNotAtAllWhileDevicesComeAndGo() {
        AtomicBoolean done = new AtomicBoolean();
        Bounded.Worker<Integer> writer = Bounded.Worker.start("writer", () -> {
            try {
                for (int i = 0; i < 3000; i++) {
                    Knob k = new Knob("d" + i % 40, i);
                    TreeDirectory d = device(i % 3 == 0 ? devices : parent("p" + i), k.name, k);
                    tree.activate(d);
                    tree.addGroups(d, k, List.of(AttributeGroup.of(Attribute.<Knob>ro("state", o -> "bound\n"))));
                    tree.activate(d, driver);
                    if (i % 2 == 0) { // unbound as the layout unbinds: the link first, then the driver's files
                        tree.clearLink(d);
                        assertTrue(tree.removeGroups(d, List.of(AttributeGroup.of(Attribute.<Knob>ro("state", o -> ""))), LONG).drained());
                    }
                    assertTrue(tree.remove(d, LONG).drained());
                }
                return 3000;
            } finally {
                done.set(true);
            }
        });
        List<Bounded.Worker<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(Bounded.Worker.start("reader-" + r, () -> {
                int seen = 0;
                while (!done.get()) {
                    for (String name : tree.list("/bus/vbus/devices")) {
                        try {
                            List<String> names = tree.list("/bus/vbus/devices/" + name);
                            assertTrue(names.containsAll(DEVICE_FILES), () -> name + " seen in part: " + names);
                            assertFalse(names.contains("driver") && !names.contains("state"), () -> name + ": a link before its files " + names);
                            if (names.contains("driver")) {
                                assertEquals("/bus/vbus/drivers/vled", tree.stat("/bus/vbus/devices/" + name + "/driver").path());
                            }
                            seen++;
                        } catch (DriverModelException e) {
                            assertEquals(Errno.ENOENT, e.errno(), e::getMessage);
                        }
                    }
                }
                return seen;
            }));
        }
        assertEquals(3000, writer.finish());
        for (Bounded.Worker<Integer> reader : readers) {
            reader.finish();
        }
        assertEquals(List.of(), tree.list("/bus/vbus/devices"));
        assertTrue(links.toString().endsWith(", 0 links in its table]"), links::toString);
    }
}
