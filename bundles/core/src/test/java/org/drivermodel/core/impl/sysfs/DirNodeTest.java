package org.drivermodel.core.impl.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** The directory's children: one alone, a sorted array while small, a hash table beyond; same answers every way. */
class DirNodeTest {

    @Test
    void childrenStaySortedAndFoundAcrossTheMoveToATable() {
        for (int count : new int[] { 0, 1, 2, 3, DirNode.SMALL - 1, DirNode.SMALL, DirNode.SMALL + 1, 100, 5000 }) {
            DirNode root = new DirNode("", null);
            DirNode dir = new DirNode("d", root);
            TreeMap<String, Node> expected = new TreeMap<>();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(count));
            for (int i : order) {
                DirNode child = new DirNode(String.format("n%03d", i), dir);
                dir.put(child);
                expected.put(child.name, child);
            }
            assertEquals(count, dir.size());
            assertEquals(new ArrayList<>(expected.values()), new ArrayList<>(dir.children()), "count " + count);
            for (Node n : expected.values()) {
                assertSame(n, dir.child(n.name));
            }
            assertNull(dir.child("absent"));
            assertNull(dir.child("n"));
            for (int i = 0; i < count; i += 2) {
                Node n = expected.remove(String.format("n%03d", i));
                dir.remove(new DirNode(n.name, dir)); // another node of the same name: not removed
                assertSame(n, dir.child(n.name));
                dir.remove(n);
                assertNull(dir.child(n.name));
            }
            assertEquals(new ArrayList<>(expected.values()), new ArrayList<>(dir.children()), "count " + count);
            assertEquals("/d", dir.path());
        }
    }

    /**
     * A path's component is looked up where it lies in the path (no string made for it): it finds
     * what its string finds, in a small directory and in a big one, for names that sort around it
     * (prefixes, longer names, characters beyond ASCII).
     */
    @Test
    void aPathComponentFindsWhatItsStringFinds() {
        // "Aa" and "BB" have the same String hash: a big directory's chain holds both
        List<String> names = List.of("a", "ab", "abc", "b", "driver", "driver_override", "n001", "uevent", "z", "\u00e9t\u00e9",
                "1209:0001.1", "1209:0001.10", "1209:0001.2", "Aa", "BB");
        for (int count : new int[] { 1, 2, 3, DirNode.SMALL, names.size() }) {
            DirNode dir = new DirNode("d", new DirNode("", null));
            for (String n : names.subList(0, count)) {
                dir.put(new DirNode(n, dir));
            }
            for (String probe : List.of("a", "ab", "abc", "abcd", "b", "driver", "drive", "driver_", "driver_override", "uevent",
                    "\u00e9t\u00e9", "\u00e9", "1209:0001.1", "1209:0001.10", "1209:0001.", "y", "zz", "Aa", "BB", "C#")) {
                SysfsPath.Components c = (SysfsPath.Components) SysfsPath.parse("/x/" + probe + "/y");
                assertEquals(probe, c.get(1));
                assertSame(dir.child(probe), dir.child(c.key(1)), probe + " among " + count);
                assertEquals(Integer.signum(probe.compareTo("driver")), Integer.signum(c.key(1).compareTo("driver")), probe);
            }
        }
    }

    /**
     * A big directory's table: names of one hash share a chain, a replaced child leaves the
     * chain, and a directory grown to thousands and emptied again answers as a small one would.
     */
    @Test
    void aBigDirectoryKeepsCollidingNamesApartAndShrinks() {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        DirNode dir = new DirNode("d", new DirNode("", null));
        List<Node> fill = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            DirNode n = new DirNode("f" + i, dir);
            dir.put(n);
            fill.add(n);
        }
        DirNode aa = new DirNode("Aa", dir);
        DirNode bb = new DirNode("BB", dir);
        dir.put(aa);
        dir.put(bb);
        DirNode aa2 = new DirNode("Aa", dir);
        dir.put(aa2); // replaces aa, keeps bb
        assertSame(aa2, dir.child("Aa"));
        assertSame(bb, dir.child("BB"));
        assertEquals(3002, dir.size());
        dir.remove(aa); // no longer a child: nothing changes
        assertSame(aa2, dir.child("Aa"));
        assertEquals(3002, dir.size());
        for (Node n : fill) {
            dir.remove(n);
        }
        assertEquals(List.of(aa2, bb), new ArrayList<>(dir.children()));
        dir.remove(aa2);
        assertNull(dir.child("Aa"));
        assertSame(bb, dir.child("BB"));
        dir.remove(bb);
        assertEquals(0, dir.size());
        assertEquals(List.of(), new ArrayList<>(dir.children()));
        DirNode again = new DirNode("again", dir);
        dir.put(again);
        assertSame(again, dir.child("again"));
    }

    @Test
    void putReplacesTheChildOfTheSameName() {
        DirNode dir = new DirNode("d", new DirNode("", null));
        DirNode a = new DirNode("a", dir);
        DirNode a2 = new DirNode("a", dir);
        dir.put(a);
        dir.put(a2);
        assertEquals(1, dir.size());
        assertSame(a2, dir.child("a"));
        DirNode b = new DirNode("b", dir);
        DirNode b2 = new DirNode("b", dir);
        dir.put(b);
        dir.put(b2);
        assertEquals(List.of(a2, b2), new ArrayList<>(dir.children()));
    }

    @Test
    void removingDownToOneChildAndToNoneLeavesTheRightOne() {
        DirNode dir = new DirNode("d", new DirNode("", null));
        DirNode a = new DirNode("a", dir);
        DirNode b = new DirNode("b", dir);
        dir.put(b);
        dir.put(a);
        dir.remove(a);
        assertEquals(List.of(b), new ArrayList<>(dir.children()));
        assertNull(dir.child("a"));
        dir.remove(new DirNode("b", dir)); // another node of that name
        assertSame(b, dir.child("b"));
        dir.remove(b);
        assertEquals(0, dir.size());
        assertEquals(List.of(), new ArrayList<>(dir.children()));
        dir.put(a);
        dir.put(b);
        dir.remove(b);
        assertSame(a, dir.child("a"));
        assertEquals(1, dir.size());
    }
}
