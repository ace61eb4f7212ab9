package org.drivermodel.core.impl.sysfs;

import static org.drivermodel.core.impl.sysfs.Knob.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

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
 * A directory's shared files (a device's {@code driver_override} and {@code uevent}): one group
 * for every directory, no node per directory until a file is opened, and otherwise files as any
 * other: listed, stat'ed, opened, read, written, watched, orphaned with their directory.
 */
@Timeout(30)
class SharedFilesTest {

    private static final Duration LONG = Duration.ofSeconds(Bounded.SECONDS);
    private final AttributeTree tree = new AttributeTree(LONG);
    /** One group for all: "id" (ro) and "value" (rw), owned by each directory's knob. */
    private final AttributeGroup<Knob> shared = AttributeGroup.of(Attribute.<Knob>ro("id", k -> {
        k.shows.incrementAndGet();
        return k.name + "\n";
    }), Knob.value());

    @BeforeEach
    void skeleton() {
        tree.createDirectory("/devices");
        tree.activate("/devices");
    }

    private Knob device(String name) {
        Knob k = new Knob(name, 1);
        tree.createDirectory("/devices", name, shared, k);
        tree.addGroups("/devices/" + name, k, List.of(AttributeGroup.of(Knob.nameFile())));
        tree.activate("/devices/" + name);
        return k;
    }

    private int children(String dir) {
        return ((DirNode) tree.node(dir)).size();
    }

    @Test
    void sharedFilesAreListedStatedAndOpenedButCostNoNodeUntilOpened() {
        Knob a = device("a");
        Knob b = device("b");
        assertEquals(List.of("id", "name", "value"), tree.list("/devices/a"));
        assertEquals(1, children("/devices/a"), "only the real file is a child");
        assertEquals(new FileStat("/devices/b/value", FileStat.Type.FILE, 0644, 4096), tree.stat("/devices/b/value"));
        tree.notifyChange("/devices/a/id"); // nobody opened it: nothing to tell, nothing made
        assertEquals(1, children("/devices/a"));

        try (AttributeFile f = tree.open("/devices/a/id"); AttributeFile v = tree.open("/devices/b/value", AccessMode.READ_WRITE)) {
            assertEquals(2, children("/devices/a"), "opened: now a child, for good");
            assertEquals(1, children("/devices/b") - 1);
            assertEquals("a\n", f.read());
            v.write("42");
            assertEquals("42\n", v.read());
            assertEquals(42, b.value);
            assertEquals(1, a.value, "each directory's owner");
            tree.notifyChange("/devices/b/value");
            assertTrue(v.awaitChange(Duration.ZERO));
        }
        try (AttributeFile again = tree.open("/devices/a/id")) {
            assertEquals(2, children("/devices/a"), "the same node again");
            assertEquals("a\n", again.read());
        }
        assertEquals(List.of("id", "name", "value"), tree.list("/devices/a"));
        fails(Errno.EACCES, () -> tree.open("/devices/a/id", AccessMode.WRITE));
    }

    @Test
    void concurrentFirstOpensMakeOneNode() throws Exception {
        for (int round = 0; round < 50; round++) {
            String name = "r" + round;
            device(name);
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            List<Bounded.Worker<AttributeFile>> openers = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                openers.add(Bounded.Worker.start("opener" + t, () -> {
                    Bounded.await(start);
                    return tree.open("/devices/" + name + "/value");
                }));
            }
            AttributeFile a = openers.get(0).finish();
            AttributeFile b = openers.get(1).finish();
            assertEquals(2, children("/devices/" + name), "one node for the shared file, whoever opened first");
            tree.notifyChange("/devices/" + name + "/value");
            assertTrue(a.awaitChange(Duration.ZERO) && b.awaitChange(Duration.ZERO), "both handles on that one node");
            assertTrue(tree.remove("/devices/" + name).drained());
            fails(Errno.ENODEV, () -> a.read());
            fails(Errno.ENODEV, () -> b.read());
        }
    }

    @Test
    void aSharedFileIsOrphanedWithItsDirectoryAndItsWaiterWokenWithEnodev() {
        device("a");
        AttributeFile f = tree.open("/devices/a/value");
        AttributeDirectory d = tree.openDirectory("/devices/a");
        Bounded.Worker<String> waiter = Bounded.Worker.start("waiter", () -> {
            try {
                return "returned " + f.awaitChange(Duration.ofDays(1));
            } catch (DriverModelException e) {
                return e.errno().name();
            }
        });
        Bounded.until(() -> waiter.getState() == Thread.State.TIMED_WAITING, "the waiter blocks");
        assertTrue(tree.remove("/devices/a").drained());
        assertEquals("ENODEV", waiter.finish());
        fails(Errno.ENODEV, () -> f.read());
        fails(Errno.ENOENT, () -> tree.open("/devices/a/id"));
        fails(Errno.ENOENT, () -> tree.stat("/devices/a/id"));
        assertEquals(List.of(), d.list(), "a removed directory lists nothing, its shared files neither");
        f.close();

        device("a"); // the name again: a new directory, a new node when opened
        try (AttributeFile g = tree.open("/devices/a/value")) {
            assertEquals("1\n", g.read());
        }
    }

    @Test
    void sharedFilesAppearWithTheirDirectoryAndTheirNamesAreTaken() {
        Knob k = new Knob("n", 1);
        tree.createDirectory("/devices", "n", shared, k);
        fails(Errno.ENOENT, () -> tree.open("/devices/n/id"));
        fails(Errno.ENOENT, () -> tree.stat("/devices/n/id"));
        DriverModelException e = fails(Errno.EEXIST, () -> tree.addGroups("/devices/n", k, List.of(AttributeGroup.of(Knob.value()))));
        assertTrue(e.getMessage().contains("/devices/n/value"), e.getMessage());
        fails(Errno.EEXIST, () -> tree.createDirectory("/devices/n/id"));
        fails(Errno.EEXIST, () -> tree.createLink("/devices/n/value", "/devices"));
        tree.activate("/devices/n");
        assertEquals(List.of("id", "value"), tree.list("/devices/n"));
        e = fails(Errno.EINVAL, () -> tree.remove("/devices/n/id"));
        assertEquals("EINVAL: /devices/n/id: a shared file goes only with its directory", e.getMessage());
        fails(Errno.EINVAL, () -> tree.createLink("/devices/link", "/devices/n/id"));
        fails(Errno.EINVAL, () -> tree.createDirectory("/devices", "m", null, k));
        fails(Errno.EINVAL, () -> tree.createDirectory("/devices", "m", AttributeGroup.named("g", Knob.value()), k));
        fails(Errno.ENOENT, () -> tree.open("/devices/n/id/deeper"));
        assertEquals(0, k.shows.get());
        assertFalse(tree.list("/devices").contains("m"), "nothing made by a refused call");
    }
}
