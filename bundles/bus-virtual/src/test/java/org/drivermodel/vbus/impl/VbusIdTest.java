package org.drivermodel.vbus.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VbusIdTest {

    @Test
    void parsesHexIdsCaseInsensitivelyAndPrintsThemLowerCase() {
        VbusId id = VbusId.parse("1209:ABcd");
        assertEquals(0x1209, id.vendor());
        assertEquals(0xabcd, id.product());
        assertEquals("1209:abcd", id.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "zz", "1209", "1209:", ":0001", "12345:0001", "1209:00001", "1209:00g1", "1209-0001",
            " 1209:0001", "1209:0001 ", "1209:0001\n", "１２０９:０００１", "1209:*"})
    void malformedIdsAreRefusedWithEinvalNamingTheInput(String bad) {
        DriverModelException e = assertThrows(DriverModelException.class, () -> VbusId.parse(bad));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().startsWith("EINVAL: vbus: malformed id '"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "the message is one line");
    }

    @Test
    void nullIsRefusedToo() {
        assertEquals(Errno.EINVAL, assertThrows(DriverModelException.class, () -> VbusId.parse(null)).errno());
    }

    @Test
    void overlongInputIsShortenedInTheMessage() {
        DriverModelException e = assertThrows(DriverModelException.class, () -> VbusId.parse("x".repeat(10_000)));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
    }

    @Test
    void matchEntriesAllowAProductWildcard() {
        assertTrue(VbusId.parseMatch("1209:*").matches("1209", "beef"));
        assertFalse(VbusId.parseMatch("1209:*").matches("1d50", "beef"));
        assertTrue(VbusId.parseMatch("1209:0001").matches("1209", "0001"));
        assertFalse(VbusId.parseMatch("1209:0001").matches("1209", "0002"));
        assertNull(VbusId.parseMatch("*:0001"));
        assertNull(VbusId.parseMatch("nonsense"));
    }
}
