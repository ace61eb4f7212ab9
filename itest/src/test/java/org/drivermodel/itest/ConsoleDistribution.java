package org.drivermodel.itest;

import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A copy of the Felix distribution running as a user runs it ({@code bin/drivermodel}, the
 * interactive Gogo shell on a pipe), with the web console on a free port of 127.0.0.1 and a
 * password set in {@code deploy/org.drivermodel.webconsole.cfg}, for {@link WebConsoleIT} and
 * {@link WebConsoleBrowserIT}: they talk to the console over HTTP and type commands into the
 * shell. Every wait has a deadline; {@link #close()} stops the framework and deletes the copy.
 */
final class ConsoleDistribution implements AutoCloseable {
    static final String USER = "admin";
    static final String PASSWORD = "it-" + Long.toHexString(System.nanoTime());
    /** How long the framework may take to start and serve the console. */
    private static final Duration START = Duration.ofSeconds(60);
    /** How long one shell command may take. */
    private static final Duration COMMAND = Duration.ofSeconds(30);

    private final Path home;
    private final int port;
    private final Process process;
    private final Writer shell;
    private final List<String> output = new ArrayList<>(); /* guarded by itself */
    private final Thread reader;
    private int marker; /* confined to the test thread */

    /**
     * Starts a copy of the distribution.
     *
     * @param extraBundles reactor bundles (names as {@link TestRuntime#reactorBundle}) put into
     *                     its {@code bundle/}, e.g. the hostile drivers
     */
    ConsoleDistribution(String... extraBundles) throws IOException, InterruptedException {
        home = Distribution.copy();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = home.resolve("conf/config.properties");
        Files.writeString(conf, Files.readString(conf).replaceAll("(?m)^org\\.osgi\\.service\\.http\\.port=.*$",
                "org.osgi.service.http.port=" + port));
        Path cfg = home.resolve("deploy/org.drivermodel.webconsole.cfg");
        Files.writeString(cfg, Files.readString(cfg).replace("#password=", "password=" + PASSWORD));
        for (String name : extraBundles) {
            Path jar = Path.of(System.getProperty("dm.bundle." + name));
            Files.copy(jar, home.resolve("bundle").resolve(jar.getFileName()));
        }
        process = new ProcessBuilder(home.resolve("bin/drivermodel").toString()).redirectErrorStream(true).start();
        shell = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        reader = new Thread(this::read, "distribution output");
        reader.setDaemon(true);
        reader.start();
        awaitConsole();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null;) {
                synchronized (output) {
                    output.add(line);
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went: its output ends
        }
    }

    /** @return the console's base URL, e.g. {@code http://127.0.0.1:34567/system/console} */
    String console() {
        return "http://127.0.0.1:" + port + "/system/console";
    }

    int port() {
        return port;
    }

    /** @return the value of an Authorization header with the configured credentials */
    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Waits until the console answers devices.json with 200 (HTTP up, provider and plugin registered). */
    private void awaitConsole() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(console() + "/devices.json"))
                .header("Authorization", basic(USER, PASSWORD)).timeout(Duration.ofSeconds(5)).build();
        long end = System.nanoTime() + START.toNanos();
        int last = -1;
        while (System.nanoTime() < end) {
            try {
                last = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new AssertionError("the distribution exited with " + process.exitValue() + ":\n" + output());
            }
            TimeUnit.MILLISECONDS.sleep(100); // a poll with a deadline: the console has no start event to wait on
        }
        throw new AssertionError("the console did not answer 200 within " + START + " (last status " + last + "):\n" + output());
    }

    /**
     * Types a command into the running shell and waits for what it printed.
     *
     * @return the lines the command printed (Gogo's prompt removed)
     */
    List<String> shell(String command) throws IOException, InterruptedException {
        String done = "--done-" + (++marker) + "--";
        int from;
        synchronized (output) {
            from = output.size();
        }
        shell.write(command + "\necho " + done + "\n");
        shell.flush();
        long end = System.nanoTime() + COMMAND.toNanos();
        synchronized (output) {
            for (;;) {
                for (int i = from; i < output.size(); i++) {
                    if (output.get(i).contains(done)) {
                        return output.subList(from, i).stream().map(l -> l.replaceFirst("^(g! )+", "")).filter(l -> !l.isBlank()).toList();
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("'" + command + "' did not finish within " + COMMAND + ":\n" + String.join("\n", output));
                }
                TimeUnit.NANOSECONDS.timedWait(output, left);
            }
        }
    }

    /** @return everything the distribution printed so far */
    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** Asserts that a line of what the distribution printed matches. */
    void assertPrinted(String regex) {
        assertTrue("no line /" + regex + "/ in:\n" + output(), Pattern.compile("(?m)" + regex).matcher(output()).find());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (process.isAlive()) {
                try {
                    shell.write("stop 0\n");
                    shell.flush();
                } catch (IOException e) {
                    // the shell is gone already
                }
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } finally {
            Distribution.deleteTree(home);
        }
    }
}
