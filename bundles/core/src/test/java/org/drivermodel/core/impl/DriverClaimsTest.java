package org.drivermodel.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.drivermodel.api.DriverInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A driver's list of claimed devices (an intrusive list through the devices, Linux's klist of a
 * driver's devices): claim order kept, any member unclaimed in O(1), a claim held once, one
 * driver's claim at a time, and none after the driver started dying. The devices' locks, which
 * the binder holds around claim and unclaim, are not needed here: one thread.
 */
@Timeout(10)
class DriverClaimsTest {

    private final Subsystem bus = Subsystem.bus(new FakeBus("fake"), "fake", 1);
    private final DriverEntry a = new DriverEntry(new DriverInfo("a", "fake", 1, Map.of()), new FakeDriver("a"), "bundle 7");
    private final DriverEntry b = new DriverEntry(new DriverInfo("b", "fake", 1, Map.of()), new FakeDriver("b"), "bundle 8");

    private DeviceNode device(String name) {
        return new DeviceNode(bus, name, Map.of(), null);
    }

    @Test
    void claimsKeepTheirOrderAndAnyOneGoesAlone() {
        DeviceNode d1 = device("d1");
        DeviceNode d2 = device("d2");
        DeviceNode d3 = device("d3");
        DeviceNode d4 = device("d4");
        for (DeviceNode d : List.of(d1, d2, d3, d4)) {
            assertTrue(a.claim(d));
        }
        assertTrue(a.claim(d2), "a claim held is held once");
        assertEquals(List.of(d1, d2, d3, d4), a.claimed());
        a.unclaim(d2); // the middle
        assertEquals(List.of(d1, d3, d4), a.claimed());
        a.unclaim(d1); // the first
        a.unclaim(d4); // the last
        assertEquals(List.of(d3), a.claimed());
        a.unclaim(d1); // not claimed any more: nothing
        b.unclaim(d3); // claimed by another driver: nothing
        assertEquals(List.of(d3), a.claimed());
        assertTrue(a.claim(d1));
        assertEquals(List.of(d3, d1), a.claimed(), "a new claim goes last");
        a.unclaim(d3);
        a.unclaim(d1);
        assertEquals(List.of(), a.claimed());
        assertTrue(a.claim(d2), "an emptied list takes claims again");
        assertEquals(List.of(d2), a.claimed());
    }

    @Test
    void aDeviceClaimedByOneDriverIsNotTakenByAnother() {
        DeviceNode d = device("d");
        assertTrue(a.claim(d));
        assertThrows(IllegalStateException.class, () -> b.claim(d));
        assertEquals(List.of(), b.claimed());
        a.unclaim(d);
        assertTrue(b.claim(d), "free again once unclaimed");
        assertEquals(List.of(d), b.claimed());
        assertEquals(List.of(), a.claimed());
    }

    @Test
    void aDyingDriverClaimsNothingAndItsSnapshotHasEveryClaim() {
        DeviceNode d1 = device("d1");
        DeviceNode d2 = device("d2");
        a.claim(d1);
        a.claim(d2);
        assertEquals(List.of(d1, d2), a.kill());
        assertFalse(a.claim(device("d3")));
        a.unclaim(d1);
        assertEquals(List.of(d2), a.claimed(), "its devices leave it as they are unbound");
    }
}
