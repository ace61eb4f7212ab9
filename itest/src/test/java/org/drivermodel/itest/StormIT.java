package org.drivermodel.itest;

import static org.drivermodel.itest.Errors.assertErrno;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.testkit.TestHooks;
import org.junit.Test;
import org.osgi.framework.BundleContext;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/**
 * The storm (issue 8) on the whole runtime with the test drivers: {@code storm:run} from a Gogo
 * session applies a seeded schedule of 2,000 plugs, unplugs, driver bundle stops, starts,
 * updates and reinstalls and bus bundle restarts under block and attribute I/O, prints exactly
 * one {@code STORM} line, and its verdict is clean: nothing lost or duplicated, no call into a
 * removed driver, no reference left, no drain over its deadline, every retired class loader
 * collected. {@code -Dstorm.seed=N -Dstorm.events=M} replays another run (the line names its
 * seed). Bad arguments are refused with EINVAL and the usage, a second storm while one runs with
 * EBUSY, a storm without one of the bundles it storms with ENOENT; these storm nothing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class StormIT {
    /** The CI run's seed; any other replays with -Dstorm.seed. */
    static final long SEED = 20261126L;
    static final int EVENTS = 2000;

    private static final Pattern LINE = Pattern.compile("STORM seed=(-?\\d+) events=(\\d+) requests=(\\d+) ok=(\\d+)"
            + " failed=(\\d+) lost=(\\d+) duplicated=(\\d+) calls_after_remove=(\\d+) leaked_refs=(\\d+)"
            + " loaders_collected=(\\d+)/(\\d+) drains_over_deadline=(\\d+)");

    @Inject
    private CommandProcessor shell;

    @Inject
    private DriverCore core;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        String storm = System.getProperty("dm.bundle.storm");
        if (storm == null || !new File(storm).isFile()) {
            throw new IllegalStateException("dm.bundle.storm is " + storm + ": run the integration tests through Maven");
        }
        // Pax Exam's own bundles log at DEBUG to System.out, which Gogo sends to the session's
        // console while a command runs: quiet them, so the console shows what the command prints.
        // The Log Service's history is kept at one entry, as in ModuleUnloadIT: on Equinox a kept
        // entry pins its bundle's class loader (with the default 100, 6 of 332 stayed).
        return options(composite(TestRuntime.withTestDriver()), bundle(new File(storm).toURI().toString()),
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                frameworkProperty("org.apache.felix.log.maxSize").value("1"));
    }

    @Test
    public void aStormFromAGogoSessionPrintsOneLineAndLosesLeaksAndCallsNothing() throws Exception {
        long seed = Long.getLong("storm.seed", SEED);
        int events = Integer.getInteger("storm.events", EVENTS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String command = "storm:run -s " + seed + " -n " + events;
        Object returned;
        PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = shell.createSession(new ByteArrayInputStream(new byte[0]), console, console);
        try {
            returned = session.execute(command);
        } catch (DriverModelException e) {
            System.out.println(command + "\n" + out.toString(StandardCharsets.UTF_8) + e.getMessage());
            throw new AssertionError(command + " failed:\n" + out.toString(StandardCharsets.UTF_8) + e.getMessage(), e);
        } finally {
            session.close();
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.println(command + "\n" + printed);
        assertEquals("the command prints and returns nothing else", null, returned);
        List<String> lines = printed.lines().toList();
        assertEquals("exactly one line: " + printed, 1, lines.size());
        Matcher m = LINE.matcher(lines.get(0));
        assertTrue("the line has the STORM format: " + lines.get(0), m.matches());
        assertEquals(seed, Long.parseLong(m.group(1)));
        assertEquals(events, Integer.parseInt(m.group(2)));
        long requests = Long.parseLong(m.group(3));
        long ok = Long.parseLong(m.group(4));
        long failed = Long.parseLong(m.group(5));
        assertTrue("requests were made and succeeded: " + lines.get(0), requests > 0 && ok > 0);
        assertEquals("every request ended: " + lines.get(0), requests, ok + failed);
        assertEquals("lost", 0, Long.parseLong(m.group(6)));
        assertEquals("duplicated", 0, Long.parseLong(m.group(7)));
        assertEquals("calls_after_remove", 0, Long.parseLong(m.group(8)));
        assertEquals("leaked_refs", 0, Long.parseLong(m.group(9)));
        assertEquals("every retired class loader was collected: " + lines.get(0), m.group(11), m.group(10));
        assertTrue("driver generations were retired: " + lines.get(0), events < 200 || Integer.parseInt(m.group(11)) > 0);
        assertEquals("drains_over_deadline", 0, Long.parseLong(m.group(12)));
        assertEquals("the storm left no device of its own", List.of(),
                core.devices().stream().filter(d -> d.name().startsWith("7e57") || d.name().startsWith("7eb1")).toList());
    }

    @Test
    public void aSecondStormWhileOneRunsIsRefusedWithEbusy() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession first = shell.createSession(new ByteArrayInputStream(new byte[0]), console, console);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                outcome.set(first.execute("storm:run -s 3 -n 400"));
            } catch (Exception e) {
                outcome.set(e);
            }
        }, "first storm");
        t.start();
        try {
            // the storm registers its test hooks when it starts and withdraws them when it ends
            Waits.awaitTrue("the first storm is under way", () -> context.getServiceReference(TestHooks.class) != null);
            CommandSession second = Waits.shellSession(shell);
            try {
                DriverModelException busy = assertErrno(Errno.EBUSY, () -> second.execute("storm:run -s 4 -n 10"));
                assertTrue(busy.getMessage(), busy.getMessage().contains("a storm is running; one at a time"));
            } finally {
                second.close();
            }
        } finally {
            t.join(TimeUnit.SECONDS.toMillis(5 * Waits.DEADLINE_SECONDS));
            first.close();
        }
        assertEquals("the first storm ran to its end: " + outcome.get(), null, outcome.get());
        assertTrue(out.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8).startsWith("STORM seed=3 events=400 "));
    }

    @Test
    public void aStormWithoutABundleToStormIsRefusedWithEnoentAndChangesNothing() throws Exception {
        TestRuntime.installed(context, "org.drivermodel.driver-vled").uninstall();
        CommandSession session = Waits.shellSession(shell);
        try {
            DriverModelException e = assertErrno(Errno.ENOENT, () -> session.execute("storm:run -s 1 -n 10"));
            assertTrue(e.getMessage(), e.getMessage().contains("bundle org.drivermodel.driver-vled: not installed"));
        } finally {
            session.close();
        }
        assertEquals("no test hooks left registered", null, context.getServiceReference(TestHooks.class));
        assertEquals("nothing was plugged", List.of(), core.devices().stream()
                .filter(d -> d.name().contains(":")).toList());
    }

    @Test
    public void badArgumentsAreRefusedWithEinvalAndTheUsage() throws Exception {
        CommandSession session = Waits.shellSession(shell);
        try {
            for (String bad : List.of("storm:run -s abc", "storm:run -n many", "storm:run -n 0", "storm:run -n 1000001",
                    "storm:run -t 0", "storm:run -t 17", "storm:run -t x", "storm:run now", "storm:run -n 5 extra")) {
                DriverModelException e = assertErrno(Errno.EINVAL, () -> session.execute(bad));
                assertTrue(bad + ": " + e.getMessage(),
                        e.getMessage().contains("usage: storm:run [-s seed] [-n events] [-t io-threads]"));
            }
        } finally {
            session.close();
        }
        assertEquals("nothing was plugged", List.of(), core.devices().stream()
                .filter(d -> d.name().contains(":")).toList());
    }

}
