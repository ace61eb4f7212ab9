package org.drivermodel.linux.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.drivermodel.api.BusContext;
import org.drivermodel.api.Device;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.linux.KernelDevice;
import org.drivermodel.linux.KernelEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The linux bus's plain logic: the kernel's messages, the configuration, sysfs enumeration, the mirror. */
class LinuxBusTest {

    private static byte[] message(String... parts) {
        return (String.join("\0", parts) + "\0").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aKernelMessageIsParsedAndUdevsAreNot() {
        byte[] m = message("add@/devices/virtual/net/dm0", "ACTION=add", "DEVPATH=/devices/virtual/net/dm0", "SUBSYSTEM=net",
                "INTERFACE=dm0", "IFINDEX=7", "SEQNUM=849");
        KernelEvent e = UeventMessage.parse(m, m.length, Instant.EPOCH).orElseThrow();
        assertEquals("add", e.action());
        assertEquals("/devices/virtual/net/dm0", e.devpath());
        assertEquals("net", e.subsystem());
        assertEquals(849, e.seqnum());
        assertEquals("dm0", e.variables().get("INTERFACE"));

        byte[] udev = message("libudev", "garbage");
        assertEquals(Optional.empty(), UeventMessage.parse(udev, udev.length, Instant.EPOCH));
        assertEquals(Optional.empty(), UeventMessage.parse(new byte[0], 0, Instant.EPOCH));
        byte[] truncated = message("add@/devices/x", "ACTION=add", "DEVPATH=/devices/x", "SUBSY");
        assertEquals("add", UeventMessage.parse(truncated, truncated.length - 3, Instant.EPOCH).orElseThrow().action());
    }

    @Test
    void theConfigurationNamesSubsystemsOrGetsEinvalNamingIt() {
        assertEquals(Set.of("net"), BusConfig.subsystems(Map.of()));
        assertEquals(Set.of("net", "block"), BusConfig.subsystems(Map.of("subsystems", "net, block")));
        assertEquals(Set.of("net", "input"), BusConfig.subsystems(Map.of("subsystems", new String[] {"net", "input"})));
        for (Object bad : List.of("../etc", "Net", "", "net;block", new String[0])) {
            DriverModelException e = assertThrows(DriverModelException.class, () -> BusConfig.subsystems(Map.of("subsystems", bad)));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().startsWith("EINVAL: configuration org.drivermodel.linux: subsystems"), e.getMessage());
        }
    }

    @Test
    void sysfsIsEnumeratedThroughItsClassLinks(@TempDir Path sys) throws IOException {
        Path dev = Files.createDirectories(sys.resolve("devices/virtual/net/dm0"));
        Files.writeString(dev.resolve("uevent"), "INTERFACE=dm0\nIFINDEX=7\n");
        Path pci = Files.createDirectories(sys.resolve("devices/pci0000:00/0000:00:03.0/net/eth0"));
        Files.writeString(pci.resolve("uevent"), "INTERFACE=eth0\nIFINDEX=2\n");
        Files.createDirectories(sys.resolve("class/net"));
        Files.createSymbolicLink(sys.resolve("class/net/dm0"), Path.of("../../devices/virtual/net/dm0"));
        Files.createSymbolicLink(sys.resolve("class/net/eth0"), Path.of("../../devices/pci0000:00/0000:00:03.0/net/eth0"));
        Files.createSymbolicLink(sys.resolve("class/net/gone0"), Path.of("../../devices/virtual/net/gone0"));

        List<KernelDevice> found = new SysfsScan(sys).scan(Set.of("net", "block"));

        assertEquals(List.of("/devices/pci0000:00/0000:00:03.0/net/eth0", "/devices/virtual/net/dm0"),
                found.stream().map(KernelDevice::devpath).toList(), "a device gone meanwhile is left out");
        KernelDevice dm0 = found.get(1);
        assertEquals("net:dm0", dm0.modelName());
        assertEquals(Map.of("INTERFACE", "dm0", "IFINDEX", "7", "SUBSYSTEM", "net", "DEVPATH", "/devices/virtual/net/dm0"),
                dm0.variables());
    }

    /** A bus context that records what the mirror asks of it. */
    private static final class Recorder {
        final List<String> calls = new ArrayList<>();
        final Map<String, Device> devices = new LinkedHashMap<>();
        boolean gone;

        BusContext context() {
            return (BusContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BusContext.class}, (p, m, a) -> {
                if (gone) {
                    throw new DriverModelException(Errno.ENODEV, "bus linux", "the bus is gone");
                }
                switch (m.getName()) {
                case "addDevice" -> {
                    String name = (String) a[0];
                    if (devices.containsKey(name)) {
                        throw new DriverModelException(Errno.EEXIST, "linux/" + name, "exists");
                    }
                    Device parent = a.length > 2 ? (Device) a[2] : null;
                    calls.add("add " + name + (parent == null ? "" : " under " + parent.name()) + " " + ((Map<?, ?>) a[1]).get("INTERFACE"));
                    Device d = device(name);
                    devices.put(name, d);
                    return d;
                }
                case "removeDevice" -> {
                    calls.add("remove " + a[0]);
                    devices.remove((String) a[0]);
                    return null;
                }
                default -> throw new UnsupportedOperationException(m.getName());
                }
            });
        }

        private static Device device(String name) {
            return (Device) Proxy.newProxyInstance(Device.class.getClassLoader(), new Class<?>[] {Device.class}, (p, m, a) -> {
                if (m.getName().equals("name")) {
                    return name;
                }
                throw new UnsupportedOperationException(m.getName());
            });
        }
    }

    private static KernelEvent event(String action, String devpath, String subsystem, String... more) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("ACTION", action);
        vars.put("DEVPATH", devpath);
        vars.put("SUBSYSTEM", subsystem);
        vars.put("SEQNUM", "1");
        for (int i = 0; i < more.length; i += 2) {
            vars.put(more[i], more[i + 1]);
        }
        return new KernelEvent(Instant.EPOCH, action, devpath, vars, "");
    }

    @Test
    void theMirrorFollowsAddRemoveAndMoveChildrenFirst() {
        Recorder r = new Recorder();
        Mirror mirror = new Mirror(r.context());
        Set<String> net = Set.of("net", "queues");

        assertEquals("added net:dm0", mirror.apply(event("add", "/devices/virtual/net/dm0", "net", "INTERFACE", "dm0"), net));
        assertEquals("added queues:rx-0", mirror.apply(event("add", "/devices/virtual/net/dm0/queues/rx-0", "queues"), net));
        assertEquals("already mirrored as net:dm0", mirror.apply(event("add", "/devices/virtual/net/dm0", "net"), net));
        assertEquals("not mirrored (subsystem block)", mirror.apply(event("add", "/devices/virtual/block/loop0", "block"), net));
        assertEquals("not applied (change)", mirror.apply(event("change", "/devices/virtual/net/dm0", "net"), net));
        assertEquals("removed queues:rx-0, net:dm0", mirror.apply(event("remove", "/devices/virtual/net/dm0", "net"), net));
        assertEquals("not mirrored", mirror.apply(event("remove", "/devices/virtual/net/dm0", "net"), net));

        mirror.apply(event("add", "/devices/virtual/net/dm1", "net", "INTERFACE", "dm1"), net);
        assertEquals("removed net:dm1, added net:dm2", mirror.apply(event("move", "/devices/virtual/net/dm2", "net",
                "DEVPATH_OLD", "/devices/virtual/net/dm1", "INTERFACE", "dm2"), net));
        assertEquals(Map.of("/devices/virtual/net/dm2", "net:dm2"), mirror.mirrored());
        assertEquals(List.of("add net:dm0 dm0", "add queues:rx-0 under net:dm0 null", "remove queues:rx-0", "remove net:dm0",
                "add net:dm1 dm1", "remove net:dm1", "add net:dm2 dm2"), r.calls);
    }

    @Test
    void aRefusedAddIsRecordedAndAGoneBusStopsTheMirror() {
        Recorder r = new Recorder();
        Mirror mirror = new Mirror(r.context());
        mirror.apply(event("add", "/devices/virtual/net/dm0", "net"), Set.of("net"));
        String refused = mirror.apply(event("add", "/devices/other/net/dm0", "net"), Set.of("net"));
        assertTrue(refused.startsWith("refused: EEXIST"), refused);
        assertFalse(mirror.mirrored().containsKey("/devices/other/net/dm0"));

        r.gone = true;
        DriverModelException e = assertThrows(DriverModelException.class,
                () -> mirror.apply(event("add", "/devices/virtual/net/dm9", "net"), Set.of("net")));
        assertEquals(Errno.ENODEV, e.errno());
    }

    @Test
    void aResyncRemovesWhatIsGoneAndAddsWhatIsNew() {
        Recorder r = new Recorder();
        Mirror mirror = new Mirror(r.context());
        mirror.apply(event("add", "/devices/virtual/net/a", "net"), Set.of("net"));
        mirror.apply(event("add", "/devices/virtual/net/b", "net"), Set.of("net"));
        KernelDevice b = new KernelDevice("net", "b", "/devices/virtual/net/b", Map.of("INTERFACE", "b"));
        KernelDevice c = new KernelDevice("net", "c", "/devices/virtual/net/c", Map.of("INTERFACE", "c"));

        assertEquals("resynchronised from sysfs: 1 added, 1 removed", mirror.resync(List.of(b, c)));
        assertEquals(Map.of("/devices/virtual/net/b", "net:b", "/devices/virtual/net/c", "net:c"), mirror.mirrored());
    }

    @Test
    void theEventLogKeepsTheLastEventsWithWhatWasDone() {
        EventLog log = new EventLog();
        for (int i = 0; i < EventLog.CAPACITY + 5; i++) {
            EventLog.Entry entry = log.add(event("add", "/devices/x" + i, "net"), "queued");
            log.handled(entry, "added " + i);
        }
        List<KernelEvent> last = log.last(3);
        assertEquals(List.of("/devices/x258", "/devices/x259", "/devices/x260"), last.stream().map(KernelEvent::devpath).toList());
        assertEquals("added 260", last.get(2).handling());
        assertEquals(EventLog.CAPACITY, log.last(1000).size());
    }

    @Test
    void aDriverMatchesBySubsystemAndEveryVariablePattern() {
        Map<String, String> dm0 = Map.of("SUBSYSTEM", "net", "INTERFACE", "dm0");
        List<DriverModelException> malformed = new ArrayList<>();
        assertTrue(DriverMatch.matches(dm0::get, Map.of("linux.subsystem", "net", "linux.match.INTERFACE", "dm.*"), "linux/netif", malformed::add));
        assertTrue(DriverMatch.matches(dm0::get, Map.of("linux.subsystem", new String[] {"block", "net"}), "linux/any", malformed::add));
        assertFalse(DriverMatch.matches(dm0::get, Map.of("linux.subsystem", "net", "linux.match.INTERFACE", ""), "linux/netif", malformed::add),
                "an empty pattern matches no interface: netif unconfigured");
        assertFalse(DriverMatch.matches(dm0::get, Map.of("linux.subsystem", "net", "linux.match.INTERFACE", "dm"), "linux/netif", malformed::add),
                "the whole name must match");
        assertFalse(DriverMatch.matches(dm0::get, Map.of("linux.subsystem", "block"), "linux/blk", malformed::add));
        assertFalse(DriverMatch.matches(dm0::get, Map.of("linux.subsystem", "net", "linux.match.IFINDEX", ".*"), "linux/x", malformed::add),
                "a device without the variable does not match");
        assertEquals(List.of(), malformed);

        assertFalse(DriverMatch.matches(dm0::get, Map.of("linux.subsystem", "net", "linux.match.INTERFACE", "dm["), "linux/netif", malformed::add));
        assertEquals(1, malformed.size());
        assertEquals(Errno.EINVAL, malformed.get(0).errno());
        assertTrue(malformed.get(0).getMessage().startsWith("EINVAL: driver linux/netif: linux.match.INTERFACE: dm[ is no regular expression"),
                malformed.get(0).getMessage());
    }
}
