package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.drivermodel.itest.Distribution.Run;
import org.junit.Test;

/**
 * The Felix distribution as a user runs it: {@code bin/drivermodel --script} boots Felix with
 * everything, runs a Gogo script headless and exits with its status.
 */
public class DistributionIT {
    private final File home = Distribution.HOME;

    private static void assertContainsLine(String output, String regex) {
        assertTrue("no line matching /" + regex + "/ in:\n" + output,
                Pattern.compile("(?m)^" + regex + "$").matcher(output).find());
    }

    @Test
    public void skeletonTourRunsHeadlessAndExitsZero() throws Exception {
        Run run = Distribution.launch("--script", new File(home, "scripts/skeleton-tour.gogo").getPath());
        assertEquals(run.output(), 0, run.status());
        String out = run.output();
        assertContainsLine(out, "vbus\\s+vled\\s+\\d+\\s+-");
        assertContainsLine(out, "plugged 1209:0001\\.1: bound to vled");
        assertContainsLine(out, "1209:0001\\.1\\s+vbus\\s+bound\\s+vled");
        assertContainsLine(out, "wrote 128 to /bus/vbus/devices/1209:0001\\.1/brightness");
        assertContainsLine(out, "128");
        assertContainsLine(out, "max_brightness");
        assertContainsLine(out, "stopped org\\.drivermodel\\.driver-vled \\[\\d+\\]: 1 device\\(s\\) unbound");
        assertContainsLine(out, "1209:0001\\.1\\s+vbus\\s+unbound\\s+-");
        assertContainsLine(out, "  driver vbus/vled: bound 1209:0001\\.1");
        assertContainsLine(out, "pinned /devices/vbus/1209:0001\\.1 \\(driver vled\\): in use by the tour");
        assertContainsLine(out, "/devices/vbus/1209:0001\\.1\\s+vled\\s+bundle \\d+ \\(org\\.drivermodel\\.shell\\)\\s+in use by the tour");
        assertContainsLine(out, "stopped org\\.drivermodel\\.driver-vled \\[\\d+\\]: 1 device\\(s\\) unbound \\(forced\\)");
        assertContainsLine(out, "unpinned /devices/vbus/1209:0001\\.1 \\(its binding had ended already\\)");
        assertContainsLine(out, "leaks: none");
        assertContainsLine(out, "unplugged 1209:0001\\.1");
        assertContainsLine(out, "/devices/platform/thermal0: bound to vthermal");
        assertContainsLine(out, "    thermal0  \\[platform, bound, vthermal\\]");
        assertContainsLine(out, "500");
        assertContainsLine(out, "plugged 1d6b:0100\\.2: bound to ramdisk");
        assertContainsLine(out, "ram0\\s+4194304\\s+512\\s+0\\s+32\\s+0\\s+.*");
        assertContainsLine(out, "wrote 512 bytes at 4096 to ram0");
        assertContainsLine(out, "hello-from-the-tour");
        assertContainsLine(out, "ram0: 64 blocks written, flushed, read back and compared: all match");
        assertContainsLine(out, "8192");
        assertContainsLine(out, "load on ram0: 4 threads for up to 5000 ms, under way");
        assertContainsLine(out, "unplugged 1d6b:0100\\.2");
        assertContainsLine(out, "load on ram0: submitted (\\d+), succeeded \\d+, failed \\d+, lost 0 \\(4 thread\\(s\\) refused at submit: the disk went\\)");
        assertContainsLine(out, "uninstalled org\\.drivermodel\\.driver-vled \\[\\d+\\]: 0 device\\(s\\) unbound");
        assertContainsLine(out, "tour done");
        assertTrue("vled was uninstalled:\n" + out, !out.contains("|drivermodel vled driver ("));
        for (String name : List.of("drivermodel API", "drivermodel lifetime primitives", "drivermodel core", "drivermodel virtual bus",
                "drivermodel platform bus", "drivermodel virtual thermal sensor driver", "drivermodel block layer",
                "drivermodel ramdisk driver", "drivermodel shell", "Apache Felix Declarative Services",
                "Apache Felix File Install", "Apache Felix Log Service", "Apache Felix EventAdmin",
                "Apache Felix Configuration Admin Service", "Apache Felix Gogo Shell")) {
            assertContainsLine(out, "\\s*\\d+\\|Active\\s*\\|\\s*\\d\\|" + Pattern.quote(name) + " .*");
        }
    }

    @Test
    public void aFailingCommandStopsTheScriptWithItsErrorAndExitsOne() throws Exception {
        Path script = Files.createTempFile(new File(home.getParentFile(), "").toPath(), "bad", ".gogo");
        try {
            Files.writeString(script, "echo (vbus:plug 1209:0001)\nvbus:plug zz\necho not-reached\nstop 0\n");
            Run run = Distribution.launch("--script", script.toString());
            assertEquals(run.output(), 1, run.status());
            assertContainsLine(run.output(), "plugged 1209:0001\\.1: bound to vled");
            assertContainsLine(run.output(),
                    "drivermodel: script .* failed: DriverModelException: EINVAL: vbus: malformed id 'zz'.*");
            assertTrue(run.output(), !run.output().contains("not-reached"));
        } finally {
            Files.delete(script);
        }
    }

    /**
     * Deploying a driver jar into deploy/ binds it to the device waiting for it; deleting the jar
     * unbinds it cleanly. Runs a copy of the distribution without vled in bundle/, and drops the
     * vled jar into its deploy/ when the script says so.
     */
    @Test
    public void aDriverJarDroppedIntoDeployBindsWaitingDevicesAndDeletingItUnbindsThem() throws Exception {
        Path copy = Distribution.copy();
        try {
            Path vled;
            try (var jars = Files.list(copy.resolve("bundle"))) {
                vled = jars.filter(f -> f.getFileName().toString().startsWith("driver-vled")).findFirst()
                        .orElseThrow(() -> new AssertionError("no vled jar in bundle/"));
            }
            Path held = copy.resolve(vled.getFileName());
            Files.move(vled, held);
            Path deployed = copy.resolve("deploy").resolve(vled.getFileName());
            Path script = copy.resolve("deploy-test.gogo");
            Files.writeString(script, String.join("\n",
                    "echo (vbus:plug 1209:0001)",
                    "echo \"== deploy vled now\"",
                    "echo (driver:wait vled 60)",
                    "echo (device:list)",
                    "echo \"== delete vled now\"",
                    "echo (driver:wait -g vled 60)",
                    "echo (device:list)",
                    "stop 0", ""));
            Run run = Distribution.runScript(copy, script, Map.of(
                    "== deploy vled now", () -> Files.copy(held, deployed),
                    "== delete vled now", () -> Files.delete(deployed)));
            String output = run.output();
            assertEquals(output, 0, run.status());
            assertContainsLine(output, "plugged 1209:0001\\.1: no driver");
            assertContainsLine(output, "driver vled: registered, bound 1209:0001\\.1");
            assertContainsLine(output, "1209:0001\\.1\\s+vbus\\s+bound\\s+vled");
            assertContainsLine(output, "driver vled: gone");
            assertContainsLine(output, "1209:0001\\.1\\s+vbus\\s+unbound\\s+-");
        } finally {
            Distribution.deleteTree(copy);
        }
    }

    @Test
    public void aMissingScriptIsRefusedWithEnoent() throws Exception {
        Run run = Distribution.launch("--script", "/no/such/script.gogo");
        assertEquals(run.output(), 2, run.status());
        assertContainsLine(run.output(), "drivermodel: ENOENT: /no/such/script.gogo: no such script");
    }

    @Test
    public void unknownArgumentsAreRefusedWithUsage() throws Exception {
        Run run = Distribution.launch("--scrpt", "x");
        assertEquals(run.output(), 2, run.status());
        assertContainsLine(run.output(), "drivermodel: EINVAL: arguments '--scrpt x': usage: bin/drivermodel \\[--script FILE\\]");
    }
}
