package org.drivermodel.storm.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class StormResultTest {

    private static StormResult result(long lost, long dup, long late, long refs, int collected, int retired, long drains,
            List<String> problems) {
        return new StormResult(7, 2000, 100, 60, 40 - lost, lost, dup, late, refs, collected, retired, drains, problems);
    }

    @Test
    void theLineHasEveryCounterInItsPlace() {
        assertEquals("STORM seed=7 events=2000 requests=100 ok=60 failed=40 lost=0 duplicated=0 calls_after_remove=0"
                + " leaked_refs=0 loaders_collected=3/3 drains_over_deadline=0",
                result(0, 0, 0, 0, 3, 3, 0, List.of()).line());
    }

    @Test
    void aCleanRunPassesAndAnyBadCounterFailsIt() {
        assertTrue(result(0, 0, 0, 0, 3, 3, 0, List.of()).passed());
        assertFalse(result(1, 0, 0, 0, 3, 3, 0, List.of()).passed());
        assertFalse(result(0, 1, 0, 0, 3, 3, 0, List.of()).passed());
        assertFalse(result(0, 0, 1, 0, 3, 3, 0, List.of()).passed());
        assertFalse(result(0, 0, 0, 1, 3, 3, 0, List.of()).passed());
        assertFalse(result(0, 0, 0, 0, 2, 3, 0, List.of()).passed());
        assertFalse(result(0, 0, 0, 0, 3, 3, 1, List.of()).passed());
        assertFalse(result(0, 0, 0, 0, 3, 3, 0, List.of("event #3 failed")).passed());
    }

    @Test
    void booksThatDoNotAddUpFailTheRun() {
        assertFalse(new StormResult(7, 10, 100, 60, 39, 0, 0, 0, 0, 0, 0, 0, List.of()).passed());
    }
}
