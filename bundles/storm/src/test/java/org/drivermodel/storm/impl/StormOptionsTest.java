package org.drivermodel.storm.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;

class StormOptionsTest {

    @Test
    void absentOptionsTakeTheDefaultsAndTheRandomSeed() {
        assertEquals(new StormOptions(77, 2000, 2), StormOptions.parse("", "", "", 77));
        assertEquals(new StormOptions(77, 2000, 2), StormOptions.parse(null, null, null, 77));
    }

    @Test
    void givenOptionsAreTaken() {
        assertEquals(new StormOptions(-5, 10000, 4), StormOptions.parse("-5", "10000", "4", 77));
        assertEquals("storm:run -s -5 -n 10000 -t 4", StormOptions.parse("-5", "10000", "4", 77).replay());
    }

    private static void assertEinval(String expectedPart, Runnable r) {
        DriverModelException e = assertThrows(DriverModelException.class, r::run);
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
        assertTrue(e.getMessage().contains("usage: storm:run [-s seed] [-n events] [-t io-threads]"), e.getMessage());
    }

    @Test
    void aSeedThatIsNotANumberIsRefused() {
        assertEinval("seed 'abc' is not a decimal number", () -> StormOptions.parse("abc", "", "", 1));
        assertEinval("seed '99999999999999999999' is not a decimal number",
                () -> StormOptions.parse("99999999999999999999", "", "", 1));
    }

    @Test
    void eventsThatAreNotANumberOrOutOfRangeAreRefused() {
        assertEinval("events 'many' is not a decimal number", () -> StormOptions.parse("1", "many", "", 1));
        assertEinval("events 0 out of range 1 to 1000000", () -> StormOptions.parse("1", "0", "", 1));
        assertEinval("events -3 out of range", () -> StormOptions.parse("1", "-3", "", 1));
        assertEinval("events 1000001 out of range", () -> StormOptions.parse("1", "1000001", "", 1));
    }

    @Test
    void threadsThatAreNotANumberOrOutOfRangeAreRefused() {
        assertEinval("io-threads 'x' is not a decimal number", () -> StormOptions.parse("1", "", "x", 1));
        assertEinval("io-threads 0 out of range 1 to 16", () -> StormOptions.parse("1", "", "0", 1));
        assertEinval("io-threads 17 out of range 1 to 16", () -> StormOptions.parse("1", "", "17", 1));
    }

    @Test
    void argumentsTheCommandDoesNotTakeAreRefusedWithTheUsage() {
        DriverModelException e = StormOptions.wrongArguments(new String[] {"now", "please"});
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("usage: storm:run [-s seed] [-n events] [-t io-threads]; got 2 arguments [now, please]"),
                e.getMessage());
        assertTrue(StormOptions.wrongArguments(null).getMessage().endsWith("got 0 arguments"),
                StormOptions.wrongArguments(null).getMessage());
    }
}
