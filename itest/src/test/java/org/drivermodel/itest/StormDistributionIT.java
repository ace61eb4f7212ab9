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
 *
 * <p>One line is not the project's and is left out: Felix EventAdmin 1.6.4 prints
 * {@link #EVENTADMIN_STOP} on stdout when {@code stop 0} stops it while it still delivers the
 * storm's last uevents (posted asynchronously) to the web console's handler; it does so also with
 * the log service started before it and stopped after it (tried). Seen in 2 of 9 runs under
 * load. No other line is allowed.
 */
public class StormDistributionIT {
    private static final Pattern CLEAN = Pattern.compile("STORM seed=20261126 events=300 requests=(\\d+) ok=\\d+"
            + " failed=\\d+ lost=0 duplicated=0 calls_after_remove=0 leaked_refs=0 loaders_collected=(\\d+)/\\2"
            + " drains_over_deadline=0");

    /** Felix EventAdmin's words when its stop interrupts a delivery under way: exactly this line. */
    static final String EVENTADMIN_STOP = "WARNING: EventAdmin: Event Task Processing Interrupted. Events may not be received in proper order.";

    @Test
    public void theStormScriptPrintsExactlyOneCleanStormLineAndExitsZero() throws Exception {
        Run run = Distribution.launch("--script", new File(Distribution.HOME, "scripts/storm.gogo").getPath());
        String output = run.output();
        System.out.println(output);
        assertEquals(output, 0, run.status());
        List<String> lines = output.lines().filter(line -> !line.equals(EVENTADMIN_STOP)).toList();
        assertEquals("exactly one line: " + output, 1, lines.size());
        assertTrue("a clean STORM line: " + output, CLEAN.matcher(lines.get(0)).matches());
    }
}
