package org.drivermodel.shell.karaf.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.karaf.shell.api.console.Candidate;
import org.apache.karaf.shell.api.console.CommandLine;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.shell.ArgumentKind;
import org.drivermodel.shell.Completes;
import org.junit.jupiter.api.Test;

/**
 * A command object's functions as Karaf commands: which method a command line binds to, the
 * errors for lines no method takes, the help, and the completion of each argument from a model
 * of two devices and two drivers.
 */
class MethodCommandTest {

    /** Shaped as the shell's command objects are. */
    public static final class Sample {
        final List<String> calls = new ArrayList<>();

        @Descriptor("stop a driver's bundle")
        public String stop(@Descriptor("stop although pinned") @Parameter(names = { "-f", "--force" }, presentValue = "true",
                absentValue = "false") boolean force, @Descriptor("the driver name") @Completes(ArgumentKind.DRIVER) String driver) {
            calls.add("stop " + force + " " + driver);
            return "stopped " + driver;
        }

        @Descriptor("pin a device")
        public String pin(@Descriptor("the device") @Completes(ArgumentKind.DEVICE) String device,
                @Descriptor("why") String... reason) {
            calls.add("pin " + device + " " + Arrays.toString(reason));
            return null;
        }

        @Descriptor("read a disk")
        public String read(@Descriptor("the disk") @Completes(ArgumentKind.DISK) String disk, @Descriptor("offset") long offset,
                @Descriptor("length") int length) {
            calls.add("read " + disk + " " + offset + " " + length);
            return null;
        }

        /** the catch-all of read */
        @Descriptor("(wrong arguments)")
        public String read(String... args) {
            throw new DriverModelException(Errno.EINVAL, "x:read", "usage: x:read <disk> <offset> <length>; got " + args.length);
        }

        @Descriptor("bind by hand")
        public String bind(@Descriptor("bus/driver") @Completes(ArgumentKind.BUS_DRIVER) String driver,
                @Descriptor("the device name") @Completes(ArgumentKind.DEVICE_NAME) String device) {
            return null;
        }

        @Descriptor("print a file")
        public String cat(@Descriptor("the path") @Completes(ArgumentKind.ATTRIBUTE_PATH) String path) {
            return null;
        }

        @Descriptor("watch a file")
        public void watch(org.apache.felix.service.command.CommandSession session,
                @Descriptor("seconds") @Parameter(names = { "-t", "--timeout" }, absentValue = "60") int seconds,
                @Descriptor("the path") @Completes(ArgumentKind.ATTRIBUTE_PATH) String path, @Descriptor("how many") int count) {
            calls.add("watch " + (session == null ? "no session" : "session") + " " + seconds + " " + path + " " + count);
        }

        @Descriptor("watch a file once")
        public void watch(org.apache.felix.service.command.CommandSession session,
                @Descriptor("seconds") @Parameter(names = { "-t", "--timeout" }, absentValue = "60") int seconds,
                @Descriptor("the path") @Completes(ArgumentKind.ATTRIBUTE_PATH) String path) {
            watch(session, seconds, path, 1);
        }

        @Descriptor("fails as a driver might")
        public String fail() {
            throw new IllegalStateException("boom");
        }
    }

    private final Sample sample = new Sample();
    private final Names names = new Names(fakeCore(), null);

    private MethodCommand command(String name) {
        return new MethodCommand("x", name, sample, names);
    }

    @Test
    void optionsAndPositionalsBindAsGogoBindsThem() throws Exception {
        assertEquals("stopped vled", command("stop").execute(null, List.of("vled")));
        command("stop").execute(null, List.of("-f", "vled"));
        command("stop").execute(null, List.of("vled", "--force"));
        command("pin").execute(null, List.of("vbus/a"));
        command("pin").execute(null, List.of("vbus/a", "mounted", "on", "/mnt"));
        command("read").execute(null, List.of("ram0", "512", "1024"));
        assertEquals(List.of("stop false vled", "stop true vled", "stop true vled", "pin vbus/a []",
                "pin vbus/a [mounted, on, /mnt]", "read ram0 512 1024"), sample.calls);
    }

    @Test
    void anOptionWithAValueAndTheSessionBindAsInGogo() throws Exception {
        command("watch").execute(null, List.of("/a"));
        command("watch").execute(null, List.of("-t", "5", "/a", "3"));
        command("watch").execute(null, List.of("/a", "--timeout", "7"));
        assertEquals(List.of("watch no session 60 /a 1", "watch no session 5 /a 3", "watch no session 7 /a 1"), sample.calls);
        for (List<Object> bad : List.<List<Object>>of(List.of("-t"), List.of("/a", "-t"), List.of("-t", "soon", "/a"))) {
            DriverModelException e = assertThrows(DriverModelException.class, () -> command("watch").execute(null, bad));
            assertEquals("EINVAL: x:watch: usage: x:watch [-t <seconds>] <path> <count>; got " + bad.size() + " argument"
                    + (bad.size() == 1 ? "" : "s") + " " + bad, e.getMessage());
        }
        assertTrue(command("watch").help().contains("-t, --timeout <seconds>"), command("watch").help());
        assertEquals(List.of("/devices/"), complete("watch", "x:watch -t 5 /d"));
        assertEquals(List.of(), complete("watch", "x:watch -t "), "an option's value is not a name");
    }

    @Test
    void aLineNoMethodTakesGoesToTheCatchAllOrGetsEinvalWithTheUsage() {
        DriverModelException e = assertThrows(DriverModelException.class,
                () -> command("read").execute(null, List.of("ram0", "first", "512")));
        assertEquals("EINVAL: x:read: usage: x:read <disk> <offset> <length>; got 3", e.getMessage());

        e = assertThrows(DriverModelException.class, () -> command("stop").execute(null, List.of()));
        assertEquals("EINVAL: x:stop: usage: x:stop [-f] <driver>; got 0 arguments", e.getMessage());
        e = assertThrows(DriverModelException.class, () -> command("stop").execute(null, List.of("-x", "vled")));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().endsWith("got 2 arguments [-x, vled]"), e.getMessage());
        assertEquals(List.of(), sample.calls, "nothing ran");
    }

    @Test
    void whatTheMethodThrowsReachesTheConsoleUnwrapped() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> command("fail").execute(null, List.of()));
        assertEquals("boom", e.getMessage());
    }

    @Test
    void theHelpIsKarafsLayout() {
        String help = command("stop").help();
        assertEquals("""
                DESCRIPTION
                        x:stop

                \tstop a driver's bundle

                SYNTAX
                        x:stop [options] driver

                ARGUMENTS
                        driver
                                the driver name

                OPTIONS
                        -f, --force
                                stop although pinned
                        --help
                                Display this help message

                """, help);
        assertEquals("stop a driver's bundle", command("stop").getDescription());
        assertTrue(command("pin").help().contains("x:pin device [reason...]"), command("pin").help());
    }

    @Test
    void theCompleterOffersTheNamesThatExist() {
        assertEquals(List.of("x:stop"), complete("stop", "x:st"));
        assertEquals(List.of("stop"), complete("stop", "st"));
        assertEquals(List.of(), complete("stop", "y:st"));
        assertEquals(List.of("ramdisk", "vled"), complete("stop", "x:stop "));
        assertEquals(List.of("vled"), complete("stop", "x:stop -f v"));
        assertEquals(List.of("--force"), complete("stop", "x:stop --f"));
        assertEquals(List.of("vbus/1209:0001.1"), complete("pin", "x:pin vbus/1"));
        assertEquals(List.of(), complete("pin", "x:pin vbus/1209:0001.1 "), "the reason is free text");
        assertEquals(List.of("vbus/vled"), complete("bind", "x:bind vbus/v"));
        assertEquals(List.of("1209:0001.1"), complete("bind", "x:bind vbus/vled "), "names on the bus given");
        assertEquals(List.of("ram0"), complete("read", "x:read r"));
        assertEquals(List.of(), complete("read", "x:read ram0 "), "an offset is not a name");
        assertEquals(List.of(), complete("stop", "y:stop "), "a line of another command gets nothing");
    }

    @Test
    void pathsCompleteOneLevelAtATimeDirectoriesWithTheirSlash() {
        List<Candidate> found = candidates("cat", "x:cat /devices/vbus/1209:0001.1/b");
        assertEquals(List.of("/devices/vbus/1209:0001.1/brightness"), found.stream().map(Candidate::value).toList());
        assertTrue(found.get(0).complete(), "a file is complete");
        found = candidates("cat", "x:cat /d");
        assertEquals(List.of("/devices/"), found.stream().map(Candidate::value).toList());
        assertEquals(false, found.get(0).complete(), "a directory is not: more follows its slash");
        assertEquals(List.of("/bus/", "/devices/"), complete("cat", "x:cat "));
    }

    private List<String> complete(String function, String buffer) {
        return candidates(function, buffer).stream().map(Candidate::value).toList();
    }

    private List<Candidate> candidates(String function, String buffer) {
        String[] words = buffer.split(" ", -1);
        CommandLine line = new CommandLine() {
            public int getCursorArgumentIndex() { return words.length - 1; }
            public String getCursorArgument() { return words[words.length - 1]; }
            public int getArgumentPosition() { return words[words.length - 1].length(); }
            public String[] getArguments() { return words; }
            public int getBufferPosition() { return buffer.length(); }
            public String getBuffer() { return buffer; }
        };
        List<Candidate> found = new ArrayList<>();
        command(function).getCompleter(false).completeCandidates(null, line, found);
        return found;
    }

    /** A core with vbus/1209:0001.1 (bound to vled), the class device ram0, and an attribute tree of three levels. */
    private static DriverCore fakeCore() {
        Device led = device("1209:0001.1", "vbus", Optional.empty(), "/devices/vbus/1209:0001.1");
        Device disk = device("ram0", "", Optional.of("block"), "/devices/virtual/block/ram0");
        Map<String, List<String>> dirs = Map.of("/", List.of("bus", "devices"), "/devices", List.of("vbus"),
                "/bus", List.of(), "/devices/vbus", List.of("1209:0001.1"),
                "/devices/vbus/1209:0001.1", List.of("brightness", "driver"), "/class/block", List.of("ram0"),
                "/devices/vbus/1209:0001.1/driver", List.of());
        return (DriverCore) Proxy.newProxyInstance(DriverCore.class.getClassLoader(), new Class<?>[] {DriverCore.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "devices" -> List.of(led, disk);
                    case "drivers" -> List.of(new DriverInfo("vled", "vbus", 7, Map.of()), new DriverInfo("ramdisk", "vbus", 8, Map.of()));
                    case "buses" -> List.of("vbus");
                    case "list" -> {
                        List<String> listed = dirs.get((String) args[0]);
                        if (listed == null) {
                            throw new DriverModelException(Errno.ENOENT, (String) args[0], "no such directory");
                        }
                        yield listed;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Device device(String name, String bus, Optional<String> deviceClass, String path) {
        return (Device) Proxy.newProxyInstance(Device.class.getClassLoader(), new Class<?>[] {Device.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> name;
                    case "bus" -> bus;
                    case "deviceClass" -> deviceClass;
                    case "path" -> path;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
