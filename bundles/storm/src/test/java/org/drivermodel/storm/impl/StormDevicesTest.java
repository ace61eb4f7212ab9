package org.drivermodel.storm.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;

class StormDevicesTest {

    @Test
    void withoutTheUntrustedBundleTheMixIsTheTestAndSampleDriversAlone() {
        StormMix mix = StormDevices.mix(false);
        assertEquals(StormDevices.DRIVER_BUNDLE_ORDER, mix.driverBundles());
        assertEquals(StormDevices.IDS, mix.ids());
        assertEquals(Set.of(), mix.stopsItself());
        assertEquals(Set.of(), mix.leaveByThemselves());
        assertTrue(mix.ids().stream().noneMatch(id -> id.startsWith(StormDevices.UNTRUSTED_VENDOR)));
    }

    @Test
    void withItTheUntrustedDriversJoinTheMixButThoseThatHangOrLeakOnPurpose() {
        StormMix mix = StormDevices.mix(true);
        assertEquals(StormDevices.UNTRUSTED_BUNDLE, mix.driverBundles().get(mix.driverBundles().size() - 1));
        assertEquals("untrusted-plain", mix.managedDrivers().get(StormDevices.UNTRUSTED_BUNDLE));
        assertTrue(mix.ids().containsAll(StormDevices.IDS));
        assertTrue(mix.ids().containsAll(List.of("b4d1:0000", "b4d1:0004", "b4d1:0006", "b4d1:0008", "b4d1:0009", "b4d1:000a")));
        for (String out : List.of("b4d1:000b", "b4d1:000c", "b4d1:000d", "b4d1:000e", "b4d1:000f")) {
            assertFalse(mix.ids().contains(out), out);
        }
        assertEquals(Set.of(StormDevices.UNTRUSTED_BUNDLE), mix.stopsItself());
        assertTrue(mix.ids().containsAll(mix.leaveByThemselves()));
        assertTrue(mix.ids().containsAll(mix.contained().keySet()));
    }

    @Test
    void anIdIsReadFromADevicePathOrName() {
        assertEquals("b4d1:000a", StormDevices.idOf("/devices/vbus/b4d1:000a.12"));
        assertEquals("1209:0001", StormDevices.idOf("1209:0001.3"));
        assertNull(StormDevices.idOf("/devices/vbus/b4d1:000a.12/bad"));
        assertNull(StormDevices.idOf("/devices/platform/thermal0"));
    }

    @Test
    void theFaultyFilesMayGiveTheBoundarysErrnoAndNoOtherDoes() {
        StormDevices.AttributeUse bad = StormDevices.attributeOf("b4d1:0004");
        assertEquals("bad", bad.name());
        assertEquals(Set.of(Errno.EIO, Errno.ENODEV), bad.errors());
        assertTrue(bad.storeFails());
        assertFalse(bad.shows().matcher("").matches(), "a read of bad never succeeds");
        StormDevices.AttributeUse huge = StormDevices.attributeOf("b4d1:0005");
        assertTrue(huge.shows().matcher("h".repeat(4096)).matches());
        assertFalse(huge.shows().matcher("h".repeat(4097)).matches());
        for (String id : List.of("7e57:0001", StormDevices.VLED, StormDevices.RAMDISK, "b4d1:0000", "b4d1:0001", "b4d1:0005",
                "b4d1:0008")) {
            assertEquals(Set.of(Errno.ENODEV), StormDevices.attributeOf(id).errors(), id);
        }
        assertEquals("idProduct", StormDevices.attributeOf("b4d1:0007").name());
        // the files whose write reaches into the core by the device's name may find it gone from
        // its bus (ENOENT), as an unplug that races the write takes it away
        for (String id : List.of("b4d1:0009", "b4d1:000a")) {
            assertEquals(Set.of(Errno.ENODEV, Errno.ENOENT), StormDevices.attributeOf(id).errors(), id);
        }
    }
}
