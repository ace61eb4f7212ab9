package org.drivermodel.core.impl.sysfs;

import static org.drivermodel.core.impl.sysfs.Knob.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Building on directory handles ({@link TreeDirectory}), as a device does on its own directory:
 * the same results as by path, ENOENT once the directory is being removed or was, never a
 * directory of the same path made since, and bad input refused with nothing changed.
 */
@Timeout(20)
class TreeDirectoryTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final AttributeTree tree = new AttributeTree(DEADLINE);
    private TreeDirectory devices;
    private TreeDirectory links;

    @BeforeEach
    void skeleton() {
        tree.createDirectory("/devices");
        devices = tree.createDirectory("/devices/vbus0");
        tree.createDirectory("/bus");
        links = tree.createDirectory("/bus/vbus");
        tree.activate("/devices");
        tree.activate("/bus");
        assertEquals("/devices/vbus0", devices.path());
    }

    /** A device directory as the core lays one out: its files, a link from its bus, all activated at once. */
    private TreeDirectory addDevice(String name, Knob owner) {
        TreeDirectory dir = tree.createDirectory(devices, name, null, null);
        tree.addGroups(dir, owner, List.of(Knob.files(), AttributeGroup.named("power", Attribute.<Knob>ro("state", k -> "on\n"))));
        tree.createLink(links, name, dir);
        assertFalse(tree.list("/bus/vbus").contains(name), "nothing is visible before the activation");
        tree.activate(dir);
        return dir;
    }

    @Test
    void aDirectoryBuiltOnHandlesIsTheSameAsOneBuiltByPath() {
        Knob knob = new Knob("k", 7);
        TreeDirectory x = addDevice("x", knob);
        assertEquals("/devices/vbus0/x", x.path());
        assertEquals(List.of("name", "power", "reset", "value"), tree.list("/devices/vbus0/x"));
        assertEquals(List.of("x"), tree.list("/bus/vbus"));
        try (AttributeFile f = tree.open("/bus/vbus/x/value")) {
            assertEquals("7\n", f.read());
        }
        tree.createLink(x, "driver", devices);
        tree.activate(x);
        assertEquals(List.of("driver", "name", "power", "reset", "value"), tree.list("/devices/vbus0/x"));

        RemovalReport r = tree.remove(x, "driver", DEADLINE);
        assertTrue(r.drained());
        assertEquals("/devices/vbus0/x/driver", r.path());
        r = tree.removeGroups(x, List.of(Knob.files()), DEADLINE);
        assertEquals("/devices/vbus0/x", r.path());
        assertEquals(List.of("power"), tree.list("/devices/vbus0/x"));
        r = tree.remove(x, DEADLINE);
        assertTrue(r.removedByThisCall());
        assertEquals(List.of(), tree.list("/bus/vbus"), "the link went with its target");
        fails(Errno.ENOENT, () -> tree.list("/devices/vbus0/x"));
    }

    @Test
    void aRemovedDirectorysHandleNeverReachesTheDirectoryOfTheSamePathMadeSince() {
        Knob old = new Knob("old", 1);
        TreeDirectory first = addDevice("x", old);
        tree.remove(first, DEADLINE);
        Knob now = new Knob("now", 2);
        TreeDirectory second = addDevice("x", now);

        fails(Errno.ENOENT, () -> tree.addGroups(first, old, List.of(AttributeGroup.of(Attribute.<Knob>ro("late", k -> "")))));
        fails(Errno.ENOENT, () -> tree.createDirectory(first, "sub", null, null));
        fails(Errno.ENOENT, () -> tree.createLink(first, "driver", devices));
        fails(Errno.ENOENT, () -> tree.createLink(links, "y", first));
        fails(Errno.ENOENT, () -> tree.activate(first));
        fails(Errno.ENOENT, () -> tree.remove(first, "value", DEADLINE));
        fails(Errno.ENOENT, () -> tree.removeGroups(first, List.of(Knob.files()), DEADLINE));
        RemovalReport again = tree.remove(first, DEADLINE);
        assertFalse(again.removedByThisCall(), "removing a removed directory joins its removal");
        assertTrue(again.drained());

        assertEquals(List.of("name", "power", "reset", "value"), tree.list("/devices/vbus0/x"), "the new directory is untouched");
        assertEquals(List.of("x"), tree.list("/bus/vbus"), "no link was made to the old one");
        try (AttributeFile f = tree.open("/devices/vbus0/x/name")) {
            assertEquals("now\n", f.read());
        }
        assertTrue(tree.remove(second, DEADLINE).removedByThisCall());
    }

    @Test
    void aDirectoryBeingRemovedRefusesNewNodesFromInsideItsOwnDrain() {
        TreeDirectory x = tree.createDirectory(devices, "x", null, null);
        AtomicReference<Errno> seen = new AtomicReference<>();
        Attribute<Knob> probe = Attribute.<Knob>ro("probe", k -> "").onRelease((k, file) -> {
            try {
                tree.createDirectory(x, "late", null, null); // from a release hook, while x is being removed
            } catch (DriverModelException e) {
                seen.set(e.errno());
            }
        });
        tree.addGroups(x, new Knob("k", 0), List.of(AttributeGroup.of(probe)));
        tree.activate(x);
        try (AttributeFile f = tree.open("/devices/vbus0/x/probe")) {
            tree.remove(x, DEADLINE); // releases the open handle: its hook runs inside the removal
        }
        assertEquals(Errno.ENOENT, seen.get());
        fails(Errno.ENOENT, () -> tree.list("/devices/vbus0/x"));
    }

    @Test
    void badInputOnHandlesIsRefusedNamingThePathAndChangesNothing() {
        TreeDirectory x = addDevice("x", new Knob("k", 0));
        List<String> before = tree.list("/devices/vbus0/x");
        assertTrue(fails(Errno.EINVAL, () -> tree.createDirectory(x, "a/b", null, null)).getMessage().contains("/devices/vbus0/x/a/b"));
        fails(Errno.EINVAL, () -> tree.createDirectory(x, "..", null, null));
        fails(Errno.EINVAL, () -> tree.createDirectory(x, "", null, null));
        fails(Errno.EINVAL, () -> tree.createDirectory(x, null, null, null));
        fails(Errno.EINVAL, () -> tree.createDirectory(x, "c\n", null, null));
        fails(Errno.ENAMETOOLONG, () -> tree.createDirectory(x, "n".repeat(256), null, null));
        fails(Errno.EINVAL, () -> tree.createDirectory((TreeDirectory) null, "y", null, null));
        fails(Errno.EINVAL, () -> tree.createDirectory(x, "s", DirectoryKind.of(Knob.files()), null));
        fails(Errno.EINVAL, () -> tree.createDirectory(x, "s", null, new Knob("k", 0)));
        fails(Errno.EINVAL, () -> tree.createDirectory(x, "s", DirectoryKind.of(AttributeGroup.named("g", Knob.value())), new Knob("k", 0)));
        assertTrue(fails(Errno.EEXIST, () -> tree.createDirectory(x, "power", null, null)).getMessage().contains("/devices/vbus0/x/power"));
        fails(Errno.EEXIST, () -> tree.createLink(x, "value", devices));
        fails(Errno.EEXIST, () -> tree.addGroups(x, new Knob("k", 0), List.of(AttributeGroup.of(Attribute.<Knob>ro("name", k -> "")))));
        fails(Errno.EEXIST, () -> tree.addGroups(x, new Knob("k", 0), List.of(
                AttributeGroup.of(Attribute.<Knob>ro("a", k -> "")), AttributeGroup.of(Attribute.<Knob>ro("a", k -> "")))));
        fails(Errno.EEXIST, () -> tree.addGroups(x, new Knob("k", 0), List.of(
                AttributeGroup.named("g", Attribute.<Knob>ro("a", k -> "")), AttributeGroup.of(Attribute.<Knob>ro("g", k -> "")))));
        fails(Errno.EINVAL, () -> tree.addGroups(x, null, List.of(Knob.files())));
        fails(Errno.EINVAL, () -> tree.addGroups((TreeDirectory) null, new Knob("k", 0), List.of(Knob.files())));
        fails(Errno.EINVAL, () -> tree.createLink(x, "l", null));
        fails(Errno.EINVAL, () -> tree.activate((TreeDirectory) null));
        fails(Errno.EINVAL, () -> tree.remove((TreeDirectory) null, DEADLINE));
        fails(Errno.EINVAL, () -> tree.remove(x, null));
        fails(Errno.ENOENT, () -> tree.remove(x, "nothing", DEADLINE));
        tree.activate(x);
        assertEquals(before, tree.list("/devices/vbus0/x"), "nothing changed");
    }
}
