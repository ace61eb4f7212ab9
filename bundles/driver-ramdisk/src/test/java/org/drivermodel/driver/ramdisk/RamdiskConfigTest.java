package org.drivermodel.driver.ramdisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;

class RamdiskConfigTest {

    @Test
    void absentKeysTakeTheirDefaults() {
        assertEquals(RamdiskConfig.DEFAULTS, RamdiskConfig.from(Map.of("service.pid", "x")));
    }

    @Test
    void valuesComeAsNumbersBooleansOrText() {
        assertEquals(new RamdiskConfig(1 << 20, 4096, 8, 250, true), RamdiskConfig.from(Map.of(
                "size.bytes", 1L << 20, "block.size", "4096", "queue.depth", 8, "latency.us", " 250 ", "read.only", "TRUE")));
    }

    @Test
    void badValuesAreRefusedWithEinvalNamingKeyAndValue() {
        Object[][] bad = {
            {"size.bytes", 0L}, {"size.bytes", (1L << 30) + 512}, {"size.bytes", "big"}, {"size.bytes", 1000L},
            {"size.bytes", 1.5},
            {"block.size", 256}, {"block.size", 1000}, {"block.size", 131072},
            {"queue.depth", 0}, {"queue.depth", 4097}, {"queue.depth", ""},
            {"latency.us", -1}, {"latency.us", 1_000_001},
            {"read.only", "yes"}, {"read.only", 1},
        };
        for (Object[] kv : bad) {
            DriverModelException e = assertThrows(DriverModelException.class,
                    () -> RamdiskConfig.from(Map.of((String) kv[0], kv[1])), kv[0] + "=" + kv[1]);
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().startsWith("EINVAL: configuration org.drivermodel.ramdisk: " + kv[0] + ": '"), e.getMessage());
        }
    }
}
