package org.drivermodel.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** A subsystem's devices: found by name, kept in add order, through fields of the devices themselves. */
class DeviceTableTest {

    private final Subsystem bus = Subsystem.bus(new FakeBus("fake"), "fake", 1);

    private DeviceNode device(String name) {
        return new DeviceNode(bus, name, Map.of(), null);
    }

    /** Thousands of devices (the table grows and shrinks), removed in random order: every answer as a list's. */
    @Test
    void findsByNameAndKeepsAddOrderThroughGrowthAndShrinking() {
        DeviceTable table = new DeviceTable();
        List<DeviceNode> expected = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            DeviceNode d = device("1d6b:0104." + i);
            table.add(d);
            expected.add(d);
        }
        assertEquals(expected, table.inAddOrder());
        List<DeviceNode> order = new ArrayList<>(expected);
        Collections.shuffle(order, new Random(5000));
        for (int i = 0; i < order.size(); i++) {
            DeviceNode d = order.get(i);
            assertTrue(table.remove(d), d.name());
            expected.remove(d);
            assertFalse(table.remove(d), "removed twice: " + d.name());
            assertNull(table.get(d.name()));
            assertFalse(table.lists(d));
            if (i % 500 == 0 || expected.size() < 5) {
                assertEquals(expected, table.inAddOrder());
                for (DeviceNode e : expected) {
                    assertSame(e, table.get(e.name()));
                    assertTrue(table.lists(e));
                }
            }
        }
        assertEquals(0, table.size());
        assertEquals(List.of(), table.inAddOrder());
        DeviceNode again = device("again");
        table.add(again);
        assertEquals(List.of(again), table.inAddOrder());
    }

    /** "Aa" and "BB" share a hash: both are kept, found and removed apart; the first, middle and last of the order too. */
    @Test
    void namesOfOneHashAndEveryPlaceInTheOrder() {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        DeviceTable table = new DeviceTable();
        DeviceNode aa = device("Aa");
        DeviceNode bb = device("BB");
        DeviceNode c = device("c");
        table.add(aa);
        table.add(bb);
        table.add(c);
        assertSame(aa, table.get("Aa"));
        assertSame(bb, table.get("BB"));
        assertTrue(table.remove(bb)); // the middle
        assertEquals(List.of(aa, c), table.inAddOrder());
        assertSame(aa, table.get("Aa"));
        assertTrue(table.remove(c)); // the last
        assertEquals(List.of(aa), table.inAddOrder());
        table.add(bb);
        assertTrue(table.remove(aa)); // the first
        assertEquals(List.of(bb), table.inAddOrder());
        assertTrue(table.lists(bb));
        assertFalse(table.lists(aa));
    }

    /** A second device of a listed name, or a device listed twice, is refused and changes nothing. */
    @Test
    void aDuplicateIsRefusedAndChangesNothing() {
        DeviceTable table = new DeviceTable();
        DeviceNode a = device("a");
        DeviceNode b = device("b");
        table.add(a);
        table.add(b);
        DeviceNode otherA = device("a");
        assertThrows(IllegalStateException.class, () -> table.add(otherA));
        assertThrows(IllegalStateException.class, () -> table.add(a));
        assertFalse(table.remove(otherA));
        assertFalse(table.lists(otherA));
        assertSame(a, table.get("a"));
        assertEquals(List.of(a, b), table.inAddOrder());
        assertEquals(2, table.size());
    }
}
