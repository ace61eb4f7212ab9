package org.drivermodel.itest;

import static org.drivermodel.itest.Waits.awaitTrue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.drivermodel.api.AttributeFile;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The linux bus against the real kernel: the test makes its own veth interfaces with {@code ip
 * link} (names with a prefix of its own, random per run; each deleted at the tear-down, also
 * after a failure; no other interface is touched) and watches them come into the model, bind
 * to netif, answer their attributes as {@code /sys} and {@code ip -s link} do, and go, with a
 * held handle answering ENODEV beside the kernel's own file; a rename is the kernel's
 * {@code move}; and a storm of 500 add/delete cycles under attribute reads ends with one
 * {@code KSTORM} line whose every count is exact.
 *
 * <p>It needs root and {@code ip}. Without them each test is skipped (never passed) and says why
 * in one line; with {@code CI=true} (CI runs as root) their absence fails it instead.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LinuxBusIT extends DriverModelTestBase {
    private static final String PREFIX = "dm" + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xefff));
    private static final Path SYS_NET = Path.of("/sys/class/net");
    private static final int STORM_CYCLES = 500;

    private final List<String> created = new ArrayList<>();

    @Override
    protected Option[] frameworkOptions() {
        return TestRuntime.driverModel(TestRuntime.reactorBundle("jna"), TestRuntime.reactorBundle("bus-linux"),
                TestRuntime.reactorBundle("driver-netif"));
    }

    @Before
    public void rootAndIpAndNetifMatchingOurInterfaces() throws Exception {
        String missing = missingPrerequisite();
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true, but the linux bus tests cannot run: " + missing);
            }
            System.out.println("LINUX-BUS tests not run: " + missing);
            Assume.assumeTrue(missing, false);
        }
        atTearDown(this::deleteCreated);
        String pattern = PREFIX + ".*";
        updateConfiguration("org.drivermodel.netif", "linux.match.INTERFACE", pattern);
        awaitTrue("netif matching " + pattern, () -> core.drivers().stream().anyMatch(
                d -> d.name().equals("netif") && pattern.equals(d.properties().get("linux.match.INTERFACE"))));
        awaitTrue("the linux bus", () -> core.buses().contains("linux"));
    }

    /** @return why the tests cannot run here, or null */
    private static String missingPrerequisite() throws IOException {
        if (!Files.isDirectory(SYS_NET)) {
            return "no /sys/class/net (not Linux)";
        }
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                .map(l -> l.split("\\s+")[1]).findFirst().orElse("?");
        if (!uid.equals("0")) {
            return "not root (uid " + uid + "): ip link add needs CAP_NET_ADMIN";
        }
        if (ip() == null) {
            return "no ip command (/usr/sbin/ip, /sbin/ip, /usr/bin/ip, /bin/ip; Debian package iproute2)";
        }
        return null;
    }

    private static String ip() {
        for (String p : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    @Test
    public void aNewInterfaceAppearsBindsAndAnswersAsTheKernel() throws Exception {
        String a = veth("n");
        String dev = awaitBoundNetif(a);

        assertEquals(sys(a, "mtu"), read(dev + "/mtu"));
        assertEquals(sys(a, "operstate"), read(dev + "/operstate"));
        Map<String, Long> stats = ipStatistics(a);
        assertEquals(String.valueOf(stats.get("rx")), read(dev + "/rx_bytes").strip());
        assertEquals(String.valueOf(stats.get("tx")), read(dev + "/tx_bytes").strip());
        assertEquals("net", core.device(dev).property("SUBSYSTEM"));
        assertEquals(a, core.device(dev).property("INTERFACE"));
        assertEquals(sys(a, "ifindex").strip(), core.device(dev).property("IFINDEX"));
        assertEquals("the model's uevent file: DRIVER=, then the kernel's own uevent file", "DRIVER=netif\n" + sys(a, "uevent"),
                read(dev + "/uevent"));
        try {
            read(dev + "/carrier");
            fail("carrier of a veth that is down: the kernel answers EINVAL");
        } catch (DriverModelException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }

        String list = run("linux:list");
        assertTrue(list, list.startsWith("linux: following kernel uevents"));
        assertTrue(list, list.matches("(?s).*net\\s+" + a + "\\s+/devices/virtual/net/" + a + "\\s+net:" + a + "\\s+netif\n.*"));
        String events = run("linux:events 256");
        assertTrue(events, events.matches("(?s).*add\\s+/devices/virtual/net/" + a + "\\s+net\\s+added net:" + a + "\n.*"));
        assertTrue(run("bus:list"), run("bus:list").matches("(?s).*linux\\s+\\d+\\s+1\\s+following kernel uevents.*"));
    }

    /**
     * Deleted by the kernel, the interface is unbound and removed from the model; a handle held
     * across the deletion answers ENODEV, as the kernel's own file held open answers it.
     */
    @Test
    public void aDeletedInterfaceGoesAndAHeldHandleAnswersEnodevAsTheKernelsFile() throws Exception {
        String a = veth("d");
        String dev = awaitBoundNetif(a);
        try (AttributeFile model = core.open(dev + "/mtu");
                FileChannel kernel = FileChannel.open(SYS_NET.resolve(a).resolve("mtu"), StandardOpenOption.READ)) {
            assertEquals(sys(a, "mtu"), model.read());
            assertEquals(sys(a, "mtu"), readKernel(kernel));

            ipLink("del", a);
            awaitTrue(dev + " removed from the model", () -> gone(dev));

            try {
                readKernel(kernel);
                fail("the kernel's file of a deleted interface reads");
            } catch (IOException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("No such device"));
            }
            try {
                model.read();
                fail("the model's file of a removed device reads");
            } catch (DriverModelException e) {
                assertEquals(Errno.ENODEV, e.errno());
            }
        }
        try {
            core.open(dev + "/mtu");
            fail("a removed device's file opens");
        } catch (DriverModelException e) {
            assertEquals(Errno.ENOENT, e.errno());
        }
    }

    /** {@code ip link set X name Y}: the kernel's {@code move}, with DEVPATH_OLD; the old name goes, the new one binds. */
    @Test
    public void aKernelRenameIsAMove() throws Exception {
        String a = veth("r");
        String old = awaitBoundNetif(a);
        String renamed = PREFIX + "rn";
        ipLink("set", a, "name", renamed);
        created.add(renamed);
        String dev = awaitBoundNetif(renamed);
        awaitTrue(old + " gone", () -> gone(old));
        assertEquals(renamed, core.device(dev).property("INTERFACE"));
        String events = run("linux:events 256");
        assertTrue(events, events.matches("(?s).*move\\s+/devices/virtual/net/" + renamed + "\\s+net\\s+removed net:" + a
                + ", added net:" + renamed + "\n.*"));
    }

    @Test
    public void badInputToTheLinuxCommandsIsEinval() throws Exception {
        for (String command : List.of("linux:events 0", "linux:events 257", "linux:events x", "linux:events 1 2")) {
            try {
                run(command);
                fail(command + " runs");
            } catch (DriverModelException e) {
                assertEquals(command, Errno.EINVAL, e.errno());
                assertTrue(e.getMessage(), e.getMessage().startsWith("EINVAL: linux:events"));
            }
        }
    }

    /**
     * 500 cycles of a veth pair added (awaited bound) and deleted, while four threads read the
     * attributes of whatever of ours exists: every kernel add appears once in the model (one ADD
     * uevent per interface, none twice), every deletion removes it (REMOVE), nothing of ours is
     * left, and no read that starts after a device's REMOVE succeeds.
     */
    @Test
    public void kstorm() throws Exception {
        String storm = PREFIX + "s";
        Set<String> present = ConcurrentHashMap.newKeySet();
        Set<String> removed = ConcurrentHashMap.newKeySet();
        Set<String> everAdded = ConcurrentHashMap.newKeySet();
        AtomicInteger added = new AtomicInteger();
        AtomicInteger removals = new AtomicInteger();
        AtomicInteger bound = new AtomicInteger();
        String ours = "/devices/linux/net:" + storm;
        EventHandler counter = e -> {
            String devpath = String.valueOf(e.getProperty("devpath"));
            if (!devpath.startsWith(ours)) {
                return;
            }
            switch (e.getTopic().substring(e.getTopic().lastIndexOf('/') + 1)) {
            case "ADD" -> {
                added.incrementAndGet();
                everAdded.add(devpath);
                present.add(devpath);
            }
            case "BIND" -> bound.incrementAndGet();
            case "REMOVE" -> {
                removed.add(devpath);
                present.remove(devpath);
                removals.incrementAndGet();
            }
            default -> {
            }
            }
        };
        register(EventHandler.class, counter, new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, "org/drivermodel/uevent/*")));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicLong readsAfterRemoveOk = new AtomicLong();
        for (int t = 0; t < 4; t++) {
            threads.start("kstorm-reader-" + t, () -> {
                String[] files = {"mtu", "rx_bytes", "operstate", "tx_bytes"};
                while (!stop.get()) {
                    String[] now = present.toArray(String[]::new);
                    if (now.length == 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000); // between two cycles: leave the cores to ip and the bus
                        continue;
                    }
                    String dev = now[ThreadLocalRandom.current().nextInt(now.length)];
                    try (AttributeFile f = core.open(dev + "/" + files[ThreadLocalRandom.current().nextInt(files.length)])) {
                        for (int i = 0; i < 20; i++) {
                            boolean removedBefore = removed.contains(dev);
                            f.read();
                            reads.incrementAndGet();
                            if (removedBefore) {
                                readsAfterRemoveOk.incrementAndGet();
                            }
                        }
                    } catch (DriverModelException expected) {
                        // ENOENT: removed before the open; ENODEV: removed since, or the kernel's file
                        // removed; EINVAL: the kernel's own answer while it unregisters the interface
                        // (net-sysfs shows nothing for a device no longer alive)
                        if (expected.errno() != Errno.ENOENT && expected.errno() != Errno.ENODEV && expected.errno() != Errno.EINVAL) {
                            throw expected;
                        }
                    }
                }
            });
        }
        long start = System.nanoTime();
        try {
            for (int i = 0; i < STORM_CYCLES; i++) {
                String a = storm + i + "a";
                ipLink("add", a, "type", "veth", "peer", "name", storm + i + "b");
                created.add(a);
                awaitBoundNetif(a);
                ipLink("del", a);
                created.remove(a);
            }
            awaitTrue("every kernel add and removal in the model", () -> removals.get() == 2 * STORM_CYCLES);
        } finally {
            stop.set(true);
        }
        threads.awaitAll();
        long leaked = core.list("/devices/linux").stream().filter(n -> n.startsWith("net:" + storm)).count();
        String line = "KSTORM cycles=" + STORM_CYCLES + " added=" + added.get() + " removed=" + removals.get() + " bound=" + bound.get()
                + " lost=" + (2 * STORM_CYCLES - everAdded.size()) + " duplicated=" + (added.get() - everAdded.size()) + " leaked_nodes=" + leaked + " reads=" + reads.get()
                + " reads_after_remove_ok=" + readsAfterRemoveOk.get() + " seconds=" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        System.out.println(line);
        assertEquals(line, 2 * STORM_CYCLES, added.get());
        assertEquals(line, 2 * STORM_CYCLES, everAdded.size());
        assertEquals(line, 2 * STORM_CYCLES, removals.get());
        assertEquals(line, 0, leaked);
        assertEquals(line, 0, readsAfterRemoveOk.get());
        assertTrue(line, bound.get() >= STORM_CYCLES);
        assertTrue(line, reads.get() > 0);
    }

    // ---------------------------------------------------------------------------------------

    /** @return the first end of a new veth pair (down, as veth starts), named with the test's prefix */
    private String veth(String role) throws Exception {
        String a = PREFIX + role + "a";
        ipLink("add", a, "type", "veth", "peer", "name", PREFIX + role + "b");
        created.add(a);
        return a;
    }

    /** @return the model's path of the interface, once it is bound to netif */
    private String awaitBoundNetif(String name) throws Exception {
        String dev = "/devices/linux/net:" + name;
        awaitTrue(dev + " bound to netif", () -> {
            try {
                return core.device(dev).driver().filter("netif"::equals).isPresent();
            } catch (DriverModelException notYet) {
                return false;
            }
        });
        return dev;
    }

    private boolean gone(String dev) {
        try {
            core.device(dev);
            return false;
        } catch (DriverModelException e) {
            return e.errno() == Errno.ENOENT;
        }
    }

    private static String sys(String name, String file) throws IOException {
        return Files.readString(SYS_NET.resolve(name).resolve(file));
    }

    private static String readKernel(FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        channel.read(b, 0);
        b.flip();
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    /** @return the interface's received and transmitted bytes as {@code ip -s -j link} reports them */
    private static Map<String, Long> ipStatistics(String name) throws Exception {
        String json = exec(ip(), "-s", "-j", "link", "show", "dev", name);
        Matcher rx = Pattern.compile("\"rx\":\\{\"bytes\":(\\d+)").matcher(json);
        Matcher tx = Pattern.compile("\"tx\":\\{\"bytes\":(\\d+)").matcher(json);
        assertTrue(json, rx.find() && tx.find());
        return Map.of("rx", Long.parseLong(rx.group(1)), "tx", Long.parseLong(tx.group(1)));
    }

    private static void ipLink(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ip(), "link"));
        command.addAll(List.of(args));
        exec(command.toArray(String[]::new));
    }

    /** Runs a command within the deadline. @return its output @throws AssertionError if it fails */
    private static String exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(Waits.DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + ": still running after " + Waits.DEADLINE_SECONDS + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** Deletes every interface the test made and did not delete (its peer goes with it). */
    private void deleteCreated() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String name : created) {
            if (Files.exists(SYS_NET.resolve(name))) {
                try {
                    ipLink("del", name);
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                }
            }
        }
        created.clear();
        assertEquals("interfaces deleted", List.of(), failures);
        assertFalse("no interface of ours is left", Files.list(SYS_NET).anyMatch(p -> p.getFileName().toString().startsWith(PREFIX)));
    }
}
