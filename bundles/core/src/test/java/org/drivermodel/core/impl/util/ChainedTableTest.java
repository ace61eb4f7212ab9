package org.drivermodel.core.impl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The chained table against a HashMap, with names that share hashes and chains that share slots. */
class ChainedTableTest {

    /** An object with a name: distinct objects may share one. */
    static final class Named {
        final String name;
        Named next;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name + "@" + Integer.toHexString(System.identityHashCode(this));
        }
    }

    static final class Table extends ChainedTable<Named> {
        @Override
        protected String name(Named n) {
            return n.name;
        }

        @Override
        protected int hash(Named n) {
            return n.name.hashCode();
        }

        @Override
        protected Named next(Named n) {
            return n.next;
        }

        @Override
        protected void next(Named n, Named next) {
            n.next = next;
        }

        Named put(Named n) {
            return insert(n, true);
        }

        boolean remove(Named n) {
            return delete(n);
        }

        List<Object> all() {
            return Arrays.asList(snapshot());
        }
    }

    /** Names of 4 blocks of "Aa" or "BB": all 16 have one hash, so they make one long chain. */
    private static List<String> colliding() {
        List<String> names = new ArrayList<>();
        for (int bits = 0; bits < 16; bits++) {
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < 4; k++) {
                b.append((bits >> k & 1) == 0 ? "Aa" : "BB");
            }
            names.add(b.toString());
        }
        return names;
    }

    /**
     * 20,000 random puts, replacements and removals over 300 names (16 of one hash), the table
     * growing to 512 slots and shrinking to 16 again and again; after each, every name is
     * checked against the model, so a deletion or a resize that broke a chain fails at once.
     */
    @Test
    void answersAsAHashMapDoesThroughCollisionsGrowthAndShrinking() {
        List<String> names = new ArrayList<>(colliding());
        assertEquals(1, names.stream().map(String::hashCode).distinct().count());
        for (int i = 0; names.size() < 300; i++) {
            names.add("dev" + i);
        }
        Random random = new Random(42);
        Table table = new Table();
        Map<String, Named> model = new HashMap<>();
        int peak = 0;
        for (int op = 0; op < 20_000; op++) {
            String name = names.get(random.nextInt(names.size()));
            // fill up for a while, then empty out: the table grows and shrinks
            boolean filling = op / 2_000 % 2 == 0;
            if (random.nextInt(10) < (filling ? 8 : 2)) {
                Named n = new Named(name);
                assertSame(model.put(name, n), table.put(n), name);
            } else {
                Named present = model.get(name);
                Named other = new Named(name);
                assertFalse(table.remove(other), "a stranger of that name is not removed: " + name);
                if (present != null) {
                    assertEquals(true, table.remove(present));
                    model.remove(name);
                    assertFalse(table.remove(present), "removed twice: " + name);
                }
            }
            assertEquals(model.size(), table.size());
            peak = Math.max(peak, model.size());
            for (String n : names) {
                assertSame(model.get(n), table.get(n), n + " after op " + op);
            }
        }
        assertEquals(new HashSet<>(model.values()), new HashSet<>(table.all()));
        assertEquals(model.size(), table.all().size());
        assertTrue(peak > 200, "peak " + peak);
    }

    /**
     * Putting a member in again changes nothing (relinking it at its place would cut the chain
     * after it), and a null name is found nowhere.
     */
    @Test
    void aMemberPutAgainStaysAndNullIsNotFound() {
        Table table = new Table();
        List<String> names = colliding(); // one chain
        List<Named> added = new ArrayList<>();
        for (String n : names) {
            Named x = new Named(n);
            table.put(x);
            added.add(x);
        }
        for (Named x : added) {
            assertSame(x, table.put(x), "a member put again is its own answer");
        }
        assertEquals(names.size(), table.size());
        for (Named x : added) {
            assertSame(x, table.get(x.name));
        }
        assertEquals(new HashSet<>(added), new HashSet<>(table.all()));
        assertNull(table.get(null));
    }

    /** Names of different hashes in one slot share its chain; removing its head and its middle keeps the rest found. */
    @Test
    void aSharedSlotsChainSurvivesRemovalsFromItsHeadAndMiddle() {
        Table table = new Table();
        // names whose slot is the last of 16
        List<String> last = new ArrayList<>();
        for (int i = 0; last.size() < 5; i++) {
            String n = "w" + i;
            if (ChainedTable.index(n.hashCode(), ChainedTable.MIN_SLOTS) == ChainedTable.MIN_SLOTS - 1) {
                last.add(n);
            }
        }
        List<Named> added = new ArrayList<>();
        for (String n : last) {
            Named x = new Named(n);
            table.put(x);
            added.add(x);
        }
        assertEquals(true, table.remove(added.get(4))); // the chain's head: the last added
        assertEquals(true, table.remove(added.get(1)));
        assertNull(table.get(last.get(1)));
        assertNull(table.get(last.get(4)));
        for (int i : new int[] { 0, 2, 3 }) {
            assertSame(added.get(i), table.get(last.get(i)));
        }
        assertEquals(3, table.size());
    }
}
