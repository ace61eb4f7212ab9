package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * {@code storm:run} from the Felix distribution as a user runs it: {@code bin/drivermodel
 * --script scripts/storm.gogo} (a 300-event storm) prints exactly one STORM line with a clean
 * verdict and exits 0.
 */
public class StormDistributionIT {
    private static final long DEADLINE_SECONDS = 120;
    private static final Pattern CLEAN = Pattern.compile("STORM seed=20261126 events=300 requests=(\\d+) ok=\\d+"
            + " failed=\\d+ lost=0 duplicated=0 calls_after_remove=0 leaked_refs=0 loaders_collected=(\\d+)/\\2"
            + " drains_over_deadline=0");

    private final File home = new File(System.getProperty("dm.distribution", "missing"));

    @Test
    public void theStormScriptPrintsExactlyOneCleanStormLineAndExitsZero() throws Exception {
        assertTrue("no distribution at " + home + ": build it with mvn package", new File(home, "bin/felix.jar").isFile());
        Process p = new ProcessBuilder(new File(home, "bin/drivermodel").getPath(), "--script",
                new File(home, "scripts/storm.gogo").getPath()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the storm script did not exit within " + DEADLINE_SECONDS + " s");
        }
        String output = new String(out, StandardCharsets.UTF_8);
        System.out.println(output);
        assertEquals(output, 0, p.exitValue());
        List<String> lines = output.lines().toList();
        assertEquals("exactly one line: " + output, 1, lines.size());
        assertTrue("a clean STORM line: " + output, CLEAN.matcher(lines.get(0)).matches());
    }
}
