package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.util.List;
import java.util.regex.Pattern;

import org.drivermodel.itest.Distribution.Run;
import org.junit.Test;

/**
 * {@code storm:run} from the Felix distribution as a user runs it: {@code bin/drivermodel
 * --script scripts/storm.gogo} (a 300-event storm) prints exactly one STORM line with a clean
 * verdict and exits 0.
 */
public class StormDistributionIT {
    private static final Pattern CLEAN = Pattern.compile("STORM seed=20261126 events=300 requests=(\\d+) ok=\\d+"
            + " failed=\\d+ lost=0 duplicated=0 calls_after_remove=0 leaked_refs=0 loaders_collected=(\\d+)/\\2"
            + " drains_over_deadline=0");

    @Test
    public void theStormScriptPrintsExactlyOneCleanStormLineAndExitsZero() throws Exception {
        Run run = Distribution.launch("--script", new File(Distribution.HOME, "scripts/storm.gogo").getPath());
        String output = run.output();
        System.out.println(output);
        assertEquals(output, 0, run.status());
        List<String> lines = output.lines().toList();
        assertEquals("exactly one line: " + output, 1, lines.size());
        assertTrue("a clean STORM line: " + output, CLEAN.matcher(lines.get(0)).matches());
    }
}
