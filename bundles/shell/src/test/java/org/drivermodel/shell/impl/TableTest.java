package org.drivermodel.shell.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void padsEachColumnToItsWidestCellAndTrimsLineEnds() {
        String t = new Table("DEVICE", "BUS", "DRIVER").row("1209:0001.1", "vbus", "vled").row("x", "platform", "-")
                .toString();
        assertEquals("""
                DEVICE       BUS       DRIVER
                1209:0001.1  vbus      vled
                x            platform  -
                """, t);
    }

    @Test
    void anEmptyTableIsItsHeader() {
        assertEquals("A  B\n", new Table("A", "B").toString());
    }

    @Test
    void aRowOfTheWrongWidthIsABug() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
    }
}
