package org.drivermodel.block.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.drivermodel.block.DiskSpec;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;

/** The block layer's configuration and the disk spec refuse bad input with EINVAL. */
class BlockLayerComponentTest {

    @Test
    void theDrainTimeoutIsReadAsMilliseconds() {
        assertEquals(BlockLayerComponent.DEFAULT_DRAIN, BlockLayerComponent.parseDrainTimeout(null));
        assertEquals(Duration.ofMillis(200), BlockLayerComponent.parseDrainTimeout(200L));
        assertEquals(Duration.ofMillis(7), BlockLayerComponent.parseDrainTimeout(" 7 "));
        for (Object bad : new Object[] {0L, -5, 600_001L, "soon", 1.5, ""}) {
            DriverModelException e = assertThrows(DriverModelException.class, () -> BlockLayerComponent.parseDrainTimeout(bad));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().startsWith("EINVAL: configuration org.drivermodel.block: drain.timeout.ms: '"), e.getMessage());
        }
    }

    @Test
    void aBadDiskSpecIsRefusedNamingTheDisk() {
        Object[][] bad = {
            {"Ram0", 1 << 20, 512, 8}, {"", 1 << 20, 512, 8}, {"r".repeat(33), 1 << 20, 512, 8}, {"ram/0", 1 << 20, 512, 8},
            {"ram0", 0, 512, 8}, {"ram0", 1000, 512, 8}, {"ram0", 1 << 20, 500, 8}, {"ram0", 1 << 20, 256, 8},
            {"ram0", 1 << 20, 512, 0}, {"ram0", 1 << 20, 512, 4097},
        };
        for (Object[] b : bad) {
            DriverModelException e = assertThrows(DriverModelException.class,
                    () -> new DiskSpec((String) b[0], ((Integer) b[1]).longValue(), (Integer) b[2], (Integer) b[3], false));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().startsWith("EINVAL: disk " + DriverModelException.quote((String) b[0]) + ": "), e.getMessage());
        }
        assertThrows(DriverModelException.class, () -> new DiskSpec(null, 512, 512, 1, false));
    }
}
