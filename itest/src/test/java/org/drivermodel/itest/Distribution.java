package org.drivermodel.itest;

import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Felix distribution as a user runs it, for {@link DistributionIT},
 * {@link StormDistributionIT} and {@link ArchetypeIT}: {@code bin/drivermodel} of the
 * distribution that failsafe names ({@code dm.distribution}), headless, with a deadline; and a
 * copy of it whose {@code deploy/} a test changes while a script runs.
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

    /** What a test does when the script prints a line: drop a jar into deploy/, delete it. */
    interface Reaction {
        void run() throws IOException;
    }

    /**
     * Runs {@code bin/drivermodel --script script} of the distribution at {@code home} (a
     * {@link #copy}), running a reaction when the script prints a line that is a key of
     * {@code reactions}, and fails unless it exits within the deadline.
     */
    static Run runScript(Path home, Path script, Map<String, Reaction> reactions) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(home.resolve("bin/drivermodel").toString(), "--script", script.toString())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            // the script's own commands wait with deadlines (driver:wait), and the launcher ends the
            // script after DRIVERMODEL_SCRIPT_TIMEOUT: the output ends
            for (String line; (line = lines.readLine()) != null;) {
                out.append(line).append('\n');
                Reaction r = reactions.get(line);
                if (r != null) {
                    r.run();
                }
            }
        }
        if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("launcher did not exit within " + DEADLINE_SECONDS + " s:\n" + out);
        }
        return new Run(p.exitValue(), out.toString());
    }

    /** @return a fresh copy of the distribution, beside it (delete it with {@link #deleteTree}) */
    static Path copy() throws IOException {
        assertTrue("no distribution at " + HOME + ": build it with mvn package", new File(HOME, "bin/felix.jar").isFile());
        Path copy = Files.createTempDirectory(HOME.getParentFile().toPath(), "dist-copy");
        copyTree(HOME.toPath(), copy);
        return copy;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path src : (Iterable<Path>) paths::iterator) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
