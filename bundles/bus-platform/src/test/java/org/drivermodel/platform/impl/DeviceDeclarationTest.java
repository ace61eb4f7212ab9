package org.drivermodel.platform.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;

/** Device declarations from configurations: what is accepted, and every way one is refused. */
class DeviceDeclarationTest {
    private static final String PID = "org.drivermodel.platform.device~thermal0";

    private static Dictionary<String, Object> config(Object... keyValues) {
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }

    @Test
    void aValidDeclarationKeepsItsStringPropertiesButNotTheConfigurationsOwn() {
        DeviceDeclaration d = DeviceDeclaration.from(PID, config("name", " thermal0 ", "compatible", "drivermodel,virtual-thermal",
                "poll.interval.ms", "20", "service.pid", PID, "felix.fileinstall.filename", "file:/x.cfg"));
        assertEquals("thermal0", d.name());
        assertEquals("drivermodel,virtual-thermal", d.compatible());
        assertEquals(Map.of("name", "thermal0", "compatible", "drivermodel,virtual-thermal", "poll.interval.ms", "20"),
                d.properties());
    }

    @Test
    void everyBadDeclarationIsRefusedWithItsCodeNamingTheConfigurationAndKey() {
        Object[][] bad = {
            {Errno.EINVAL, "name", config("compatible", "a,b")},                                  // missing name
            {Errno.EINVAL, "name", config("name", 7, "compatible", "a,b")},                       // wrong type
            {Errno.EINVAL, "name", config("name", "  ", "compatible", "a,b")},                    // blank
            {Errno.EINVAL, "name", config("name", "..", "compatible", "a,b")},                    // dot-dot
            {Errno.EINVAL, "name", config("name", "a/b", "compatible", "a,b")},                   // a slash
            {Errno.EINVAL, "name", config("name", "th\u00e9rmal", "compatible", "a,b")},          // non-ASCII
            {Errno.ENAMETOOLONG, "name", config("name", "t".repeat(65), "compatible", "a,b")},    // overlong
            {Errno.EINVAL, "compatible", config("name", "t0")},                                   // missing compatible
            {Errno.EINVAL, "compatible", config("name", "t0", "compatible", "thermal")},          // no vendor
            {Errno.EINVAL, "compatible", config("name", "t0", "compatible", "Acme,Thermal")},     // upper case
            {Errno.EINVAL, "compatible", config("name", "t0", "compatible", new String[] {"a,b"})}, // an array
            {Errno.EINVAL, "label", config("name", "t0", "compatible", "a,b", "label", 3L)},     // a non-string property
        };
        for (Object[] b : bad) {
            @SuppressWarnings("unchecked")
            Dictionary<String, ?> props = (Dictionary<String, ?>) b[2];
            DriverModelException e = assertThrows(DriverModelException.class, () -> DeviceDeclaration.from(PID, props), props.toString());
            assertEquals(b[0], e.errno(), e.getMessage());
            assertTrue(e.getMessage().startsWith(b[0] + ": configuration " + PID + ": " + b[1] + ": "), e.getMessage());
        }
        assertThrows(DriverModelException.class, () -> DeviceDeclaration.from(PID, null));
    }
}
