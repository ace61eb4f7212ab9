package org.drivermodel.itest;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Felix distribution as a user runs it, for {@link DistributionIT} and
 * {@link StormDistributionIT}: {@code bin/drivermodel} of the distribution that failsafe names
 * ({@code dm.distribution}), headless, with a deadline.
 */
final class Distribution {
    /** How long one run of the launcher may take. */
    static final long DEADLINE_SECONDS = 120;
    /** The distribution's directory. */
    static final File HOME = new File(System.getProperty("dm.distribution", "missing"));

    /** Output and exit status of one run of the launcher. */
    record Run(int status, String output) {
    }

    private Distribution() {
    }

    /** Runs {@code bin/drivermodel} with the arguments, failing unless it exits within the deadline. */
    static Run launch(String... args) throws IOException, InterruptedException {
        assertTrue("no distribution at " + HOME + ": build it with mvn package", new File(HOME, "bin/felix.jar").isFile());
        // run as a user runs it, which needs it to be executable
        List<String> command = new ArrayList<>(List.of(new File(HOME, "bin/drivermodel").getPath()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("launcher did not exit within " + DEADLINE_SECONDS + " s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
