package org.drivermodel.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.primitives.RefTracking;
import org.junit.jupiter.api.Test;

class CoreSettingsTest {

    @Test
    void absentKeysTakeTheirDefaults() {
        assertEquals(CoreSettings.DEFAULTS, CoreSettings.from(Map.of("component.name", "x")));
    }

    @Test
    void valuesComeAsNumbersBooleansOrTheirText() {
        assertEquals(new CoreSettings(Duration.ofMillis(250), true, Duration.ofMillis(3), Duration.ofMillis(40),
                RefTracking.STACKS),
                CoreSettings.from(Map.of("deferred.probe.timeout.ms", 250L, "test.driver.remove", true,
                        "drain.timeout.ms", 3, "release.timeout.ms", "40", "ref.tracking", " Stacks ")));
        assertEquals(new CoreSettings(Duration.ofMillis(0), false, Duration.ofSeconds(5), Duration.ofSeconds(5),
                CoreSettings.DEFAULTS.refTracking()),
                CoreSettings.from(Map.of("deferred.probe.timeout.ms", " 0 ", "test.driver.remove", "FALSE")));
        assertEquals(Duration.ofMillis(7), CoreSettings.from(Map.of("deferred.probe.timeout.ms", 7)).deferredProbeTimeout());
    }

    @Test
    void malformedValuesAreRefusedWithEinvalNamingTheKeyAndValue() {
        Object[][] bad = {
            {"deferred.probe.timeout.ms", "ten"},
            {"deferred.probe.timeout.ms", ""},
            {"deferred.probe.timeout.ms", -1L},
            {"deferred.probe.timeout.ms", 86_400_001L},
            {"deferred.probe.timeout.ms", "99999999999999999999"},
            {"deferred.probe.timeout.ms", 1.5},
            {"deferred.probe.timeout.ms", new long[] {1}},
            {"test.driver.remove", "yes"},
            {"test.driver.remove", 1},
            {"test.driver.remove", "tru\u00e9"},
            {"drain.timeout.ms", 0L},
            {"drain.timeout.ms", 600_001L},
            {"drain.timeout.ms", "5s"},
            {"release.timeout.ms", 0},
            {"release.timeout.ms", 600_001L},
            {"release.timeout.ms", "-5"},
            {"release.timeout.ms", true},
            {"ref.tracking", "on"},
            {"ref.tracking", true},
            {"ref.tracking", ""},
        };
        for (Object[] kv : bad) {
            DriverModelException e = assertThrows(DriverModelException.class,
                    () -> CoreSettings.from(Map.of((String) kv[0], kv[1])), String.valueOf(kv[1]));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().startsWith("EINVAL: configuration org.drivermodel.core: " + kv[0] + ": "),
                    e.getMessage());
        }
    }
}
