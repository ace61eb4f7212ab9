package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.drivermodel.api.AttributeValues;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;

/** The device state and the parsing its attribute's store applies, without a framework. */
class WidgetTest {

    @Test
    void startsAtZeroAndKeepsWhatIsSet() {
        Widget w = new Widget();
        w.reset();
        assertEquals(0, w.level());
        w.setLevel(Widget.MAX_LEVEL);
        assertEquals(Widget.MAX_LEVEL, w.level());
    }

    @Test
    void refusesALevelOutOfRange() {
        Widget w = new Widget();
        w.reset();
        assertThrows(IllegalArgumentException.class, () -> w.setLevel(Widget.MAX_LEVEL + 1));
        assertEquals(0, w.level());
    }

    @Test
    void aWriteOfTextOrTooMuchIsEinvalNamingTheFile() {
        String file = "/devices/x/" + Widget.ATTRIBUTE;
        assertEquals(42, AttributeValues.parseUnsigned("42\n", file, 0, Widget.MAX_LEVEL));
        for (String bad : new String[] {"high", "101", "-1", ""}) {
            DriverModelException e = assertThrows(DriverModelException.class,
                    () -> AttributeValues.parseUnsigned(bad, file, 0, Widget.MAX_LEVEL));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains(file), e.getMessage());
        }
    }
}
