package org.drivermodel.core.impl.sysfs;

import static org.drivermodel.core.impl.sysfs.Knob.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testing.Bounded;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The attribute tree's single-threaded semantics: access, permissions, activation, links, errors. */
@Timeout(20)
class AttributeTreeTest {

    private final AttributeTree tree = new AttributeTree(Duration.ofSeconds(10));
    private final Knob knob = new Knob("k0", 7);

    @BeforeEach
    void skeleton() {
        for (String d : List.of("/devices", "/devices/vbus0", "/bus", "/bus/vbus", "/bus/vbus/devices", "/class", "/class/led")) {
            tree.createDirectory(d);
        }
        tree.activate("/devices");
        tree.activate("/bus");
        tree.activate("/class");
    }

    /** A device directory with the knob's files and links from its bus and class, activated. */
    private void addDevice(String name, Knob owner) {
        String dir = "/devices/vbus0/" + name;
        tree.createDirectory(dir);
        tree.addGroups(dir, owner, List.of(Knob.files(),
                AttributeGroup.named("power", Attribute.<Knob>ro("state", k -> "on\n"))));
        tree.createLink("/bus/vbus/devices/" + name, dir);
        tree.createLink("/class/led/" + name, dir);
        tree.activate(dir);
    }

    @Test
    void readAndWriteThroughAHandle() {
        addDevice("x", knob);
        try (AttributeFile f = tree.open("/devices/vbus0/x/value")) {
            assertEquals("/devices/vbus0/x/value", f.path());
            assertEquals("7\n", f.read());
            f.write("42\n");
            assertEquals("42\n", f.read());
            assertEquals(42, knob.value);
        }
        try (AttributeFile f = tree.open("/devices/vbus0/x/name")) {
            assertEquals("k0\n", f.read());
        }
        try (AttributeFile f = tree.open("/devices/vbus0/x/power/state")) {
            assertEquals("on\n", f.read());
        }
        assertEquals(List.of("name", "power", "reset", "value"), tree.list("/devices/vbus0/x"));
    }

    @Test
    void linksResolveOnLookup() {
        addDevice("x", knob);
        assertEquals(List.of("x"), tree.list("/bus/vbus/devices"));
        assertEquals(List.of("x"), tree.list("/class/led"));
        assertEquals(List.of("name", "power", "reset", "value"), tree.list("/bus/vbus/devices/x"));
        try (AttributeFile f = tree.open("/class/led/x/value")) {
            assertEquals("/devices/vbus0/x/value", f.path(), "a handle names the canonical path");
            f.write("3");
            assertEquals("3\n", f.read());
        }
    }

    @Test
    void readOfWriteOnlyAndWriteOfReadOnlyAreRefusedAndChangeNothing() {
        addDevice("x", knob);
        try (AttributeFile reset = tree.open("/devices/vbus0/x/reset");
             AttributeFile name = tree.open("/devices/vbus0/x/name")) {
            fails(Errno.EACCES, () -> reset.read());
            fails(Errno.EACCES, () -> name.write("other\n"));
            assertEquals(0, knob.shows.get(), "no show was called");
            assertEquals(0, knob.stores.get(), "no store was called");
            assertEquals(7, knob.value);
            assertEquals("k0\n", name.read());
            reset.write("1");
            assertEquals(0, knob.value);
        }
    }

    @Test
    void invalidValueIsRefusedWithEinvalAndChangesNothing() {
        addDevice("x", knob);
        try (AttributeFile f = tree.open("/devices/vbus0/x/value")) {
            for (String bad : List.of("abc", "101", "-1", "", "1\n2")) {
                DriverModelException e = fails(Errno.EINVAL, () -> f.write(bad));
                assertTrue(e.getMessage().startsWith("EINVAL: /devices/vbus0/x/value: "), e.getMessage());
                assertEquals("7\n", f.read(), "value unchanged after " + bad);
            }
            fails(Errno.EINVAL, () -> f.write(null));
            fails(Errno.EINVAL, () -> f.write("1".repeat(OpenFile.MAX_WRITE + 1)));
            assertEquals(7, knob.value);
        }
    }

    @Test
    void callbackFailuresReachTheCallerAsEioOrAsThrown() {
        tree.createDirectory("/devices/vbus0/y");
        tree.addGroups("/devices/vbus0/y", knob, List.of(AttributeGroup.of(
                Attribute.<Knob>ro("npe", k -> { throw new NullPointerException("bug"); }),
                Attribute.<Knob>ro("null", k -> null),
                Attribute.<Knob>ro("busy", k -> { throw new DriverModelException(Errno.EBUSY, "y", "busy"); }))));
        tree.activate("/devices/vbus0/y");
        try (AttributeFile npe = tree.open("/devices/vbus0/y/npe");
             AttributeFile nul = tree.open("/devices/vbus0/y/null");
             AttributeFile busy = tree.open("/devices/vbus0/y/busy")) {
            DriverModelException e = fails(Errno.EIO, () -> npe.read());
            assertTrue(e.getMessage().contains("show failed: java.lang.NullPointerException"), e.getMessage());
            assertNull(e.getCause(), "the owner's throwable is not handed on: it references the owner's classes");
            fails(Errno.EIO, () -> nul.read());
            fails(Errno.EBUSY, () -> busy.read());
        }
    }

    @Test
    void deactivatedSubtreeIsInvisibleUntilActivatedThenAllAppearsAtOnce() {
        tree.createDirectory("/devices/vbus0/x");
        tree.addGroups("/devices/vbus0/x", knob, List.of(Knob.files(),
                AttributeGroup.named("power", Attribute.<Knob>ro("state", k -> "on\n"))));
        tree.createLink("/bus/vbus/devices/x", "/devices/vbus0/x");
        for (String p : List.of("/devices/vbus0/x/value", "/devices/vbus0/x/power/state", "/bus/vbus/devices/x/value")) {
            fails(Errno.ENOENT, () -> tree.open(p));
        }
        fails(Errno.ENOENT, () -> tree.list("/devices/vbus0/x"));
        fails(Errno.ENOENT, () -> tree.list("/bus/vbus/devices/x"));
        assertEquals(List.of(), tree.list("/devices/vbus0"));
        assertEquals(List.of(), tree.list("/bus/vbus/devices"));

        // an observer never sees part of it: once the directory is there, all of it is
        List<String> all = List.of("name", "power", "reset", "value");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> seen = new AtomicReference<>();
        Bounded.Worker<Integer> observer = Bounded.Worker.start("observer", () -> {
            int complete = 0;
            while (!stop.get() || complete == 0) {
                try {
                    List<String> names = tree.list("/bus/vbus/devices/x");
                    if (!names.equals(all)) {
                        seen.compareAndSet(null, "partial listing " + names);
                    }
                    tree.open("/devices/vbus0/x/power/state").close();
                    complete++;
                } catch (DriverModelException e) {
                    if (e.errno() != Errno.ENOENT) {
                        seen.compareAndSet(null, e.toString());
                    }
                    if (complete > 0) {
                        seen.compareAndSet(null, "vanished after appearing: " + e);
                    }
                }
            }
            return complete;
        });
        tree.activate("/devices/vbus0/x");
        stop.set(true);
        assertTrue(observer.finish() > 0);
        assertEquals(null, seen.get());
        assertEquals(List.of("x"), tree.list("/devices/vbus0"));
        assertEquals(List.of("x"), tree.list("/bus/vbus/devices"));

        // groups added later to an active directory appear when it is activated again
        tree.addGroups("/devices/vbus0/x", knob, List.of(AttributeGroup.of(Attribute.<Knob>ro("late", k -> "1\n"))));
        fails(Errno.ENOENT, () -> tree.open("/devices/vbus0/x/late"));
        tree.activate("/devices/vbus0/x");
        tree.open("/devices/vbus0/x/late").close();
    }

    @Test
    void removingADirectoryRemovesItsChildrenAndTheLinksToIt() {
        addDevice("x", knob);
        addDevice("z", new Knob("k1", 1));
        RemovalReport r = tree.remove("/devices/vbus0/x");
        assertTrue(r.drained() && r.removedByThisCall(), r.toString());
        for (String p : List.of("/devices/vbus0/x/value", "/devices/vbus0/x/power/state",
                "/bus/vbus/devices/x/value", "/class/led/x/name")) {
            fails(Errno.ENOENT, () -> tree.open(p));
        }
        fails(Errno.ENOENT, () -> tree.list("/devices/vbus0/x"));
        fails(Errno.ENOENT, () -> tree.list("/bus/vbus/devices/x"));
        assertEquals(List.of("z"), tree.list("/devices/vbus0"));
        assertEquals(List.of("z"), tree.list("/bus/vbus/devices"));
        assertEquals(List.of("z"), tree.list("/class/led"));
        fails(Errno.ENOENT, () -> tree.remove("/devices/vbus0/x"));

        // the name is free again; removing a link leaves its target alone
        addDevice("x", knob);
        tree.remove("/class/led/x");
        fails(Errno.ENOENT, () -> tree.open("/class/led/x/value"));
        tree.open("/bus/vbus/devices/x/value").close();
        tree.open("/devices/vbus0/x/value").close();
    }

    @Test
    void groupsCanBeRemovedWhileTheDirectoryStays() {
        addDevice("x", knob);
        AttributeGroup<Knob> extra = AttributeGroup.of(Attribute.<Knob>ro("extra", k -> "e\n"));
        AttributeGroup<Knob> sub = AttributeGroup.named("sub", Attribute.<Knob>ro("s", k -> "s\n"));
        tree.addGroups("/devices/vbus0/x", knob, List.of(extra, sub));
        tree.activate("/devices/vbus0/x");
        AttributeFile held = tree.open("/devices/vbus0/x/sub/s");
        fails(Errno.ENOENT, () -> tree.removeGroups("/devices/vbus0/x",
                List.of(extra, AttributeGroup.named("nope", Attribute.<Knob>ro("n", k -> ""))), Duration.ofSeconds(1)));
        tree.open("/devices/vbus0/x/extra").close(); // nothing removed by the refused call
        assertTrue(tree.removeGroups("/devices/vbus0/x", List.of(extra, sub), Duration.ofSeconds(1)).drained());
        assertEquals(List.of("name", "power", "reset", "value"), tree.list("/devices/vbus0/x"));
        fails(Errno.ENODEV, () -> held.read());
        held.close();
    }

    @Test
    void refusedBuildingChangesNothing() {
        addDevice("x", knob);
        fails(Errno.EEXIST, () -> tree.createDirectory("/devices/vbus0/x"));
        fails(Errno.EEXIST, () -> tree.createDirectory("/"));
        fails(Errno.ENOENT, () -> tree.createDirectory("/devices/nope/x"));
        fails(Errno.EINVAL, () -> tree.createDirectory("/devices/vbus0/x/value/sub"));
        // one clash fails the whole call: "fresh" is not added either
        fails(Errno.EEXIST, () -> tree.addGroups("/devices/vbus0/x", knob, List.of(
                AttributeGroup.of(Attribute.<Knob>ro("fresh", k -> "")), AttributeGroup.of(Knob.value()))));
        fails(Errno.EEXIST, () -> tree.addGroups("/devices/vbus0/x", knob, List.of(AttributeGroup.named("power"))));
        fails(Errno.EEXIST, () -> tree.createLink("/bus/vbus/devices/x", "/devices/vbus0/x"));
        fails(Errno.EINVAL, () -> tree.createLink("/class/led/y", "/bus/vbus/devices/x"));
        fails(Errno.ENOENT, () -> tree.createLink("/class/led/y", "/devices/vbus0/nope"));
        fails(Errno.EINVAL, () -> tree.remove("/"));
        tree.activate("/devices/vbus0/x");
        assertEquals(List.of("name", "power", "reset", "value"), tree.list("/devices/vbus0/x"));
        assertEquals(List.of("x"), tree.list("/class/led"));
        // and bad attribute declarations are refused before they reach the tree
        fails(Errno.EINVAL, () -> Attribute.<Knob>of("bad", 0644, k -> "", null));
        fails(Errno.EINVAL, () -> Attribute.<Knob>ro("a/b", k -> ""));
        fails(Errno.EINVAL, () -> Attribute.<Knob>of("m", 01000, k -> "", null));
        fails(Errno.EINVAL, () -> AttributeGroup.of(Knob.value(), Knob.value()));
    }

    @Test
    void directoriesAreNotFilesAndFilesAreNotDirectories() {
        addDevice("x", knob);
        assertTrue(fails(Errno.EINVAL, () -> tree.open("/devices/vbus0/x")).getMessage().contains("is a directory"));
        assertTrue(fails(Errno.EINVAL, () -> tree.list("/devices/vbus0/x/value")).getMessage().contains("not a directory"));
        assertTrue(fails(Errno.EINVAL, () -> tree.open("/devices/vbus0/x/value/more")).getMessage().contains("not a directory"));
    }

    @Test
    void malformedPathsAreRefusedWithTheirCodeAndChangeNothing() {
        addDevice("x", knob);
        List<String> before = tree.list("/devices/vbus0/x");
        String longPath = "/devices" + "/a".repeat(2045); // 4098 characters
        String longName = "/devices/" + "n".repeat(256);
        List<Object[]> cases = List.of(
                new Object[] { "", Errno.EINVAL },
                new Object[] { "devices/vbus0/x/value", Errno.EINVAL },
                new Object[] { "/devices//vbus0/x/value", Errno.EINVAL },
                new Object[] { "/devices/vbus0/x/", Errno.EINVAL },
                new Object[] { "/devices/vbus0/x/../x/value", Errno.EINVAL },
                new Object[] { "/devices/vbus0/./x/value", Errno.EINVAL },
                new Object[] { "/devices/vbus0/x/val\nue", Errno.EINVAL },
                new Object[] { "/devices/vbus0/x/val\u0000ue", Errno.EINVAL },
                new Object[] { longPath, Errno.ENAMETOOLONG },
                new Object[] { longName, Errno.ENAMETOOLONG },
                new Object[] { "/devices/vbus0/x/unknown", Errno.ENOENT },
                new Object[] { "/nope", Errno.ENOENT });
        for (Object[] c : cases) {
            String path = (String) c[0];
            Errno errno = (Errno) c[1];
            fails(errno, () -> tree.open(path));
            fails(errno, () -> tree.list(path));
            fails(errno, () -> tree.remove(path));
            fails(errno, () -> tree.activate(path));
            if (errno != Errno.ENOENT) { // building at an unknown path is fine
                fails(errno, () -> tree.createDirectory(path));
                fails(errno, () -> tree.createLink(path, "/devices/vbus0/x"));
                fails(errno, () -> tree.addGroups(path, knob, List.of()));
            }
        }
        fails(Errno.EINVAL, () -> tree.open(null));
        fails(Errno.EINVAL, () -> tree.open("relative"));
        assertEquals(before, tree.list("/devices/vbus0/x"));
        assertEquals(List.of("x"), tree.list("/devices/vbus0"));
        assertEquals(List.of("devices", "bus", "class").stream().sorted().toList(), tree.list("/"));
        assertEquals(0, knob.shows.get() + knob.stores.get(), "no owner code ran");
        try (AttributeFile f = tree.open("/devices/vbus0/x/value")) {
            assertEquals("7\n", f.read());
        }
        // a long path that is short enough is merely unknown
        fails(Errno.ENOENT, () -> tree.open("/devices" + "/a".repeat(2044)));
        fails(Errno.ENOENT, () -> tree.open("/devices/" + "n".repeat(255)));
    }

    @Test
    void aClosedHandleRefusesUse() {
        addDevice("x", knob);
        AttributeFile f = tree.open("/devices/vbus0/x/value");
        f.close();
        f.close(); // harmless
        fails(Errno.EINVAL, () -> f.read());
        fails(Errno.EINVAL, () -> f.write("1"));
        assertEquals(1, knob.releases.get());
        assertFalse(tree.remove("/devices/vbus0/x").undrained().size() > 0);
        assertEquals(1, knob.releases.get());
    }
}
