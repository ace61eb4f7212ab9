package org.drivermodel.itest;

import static org.drivermodel.itest.Errors.assertErrno;
import static org.drivermodel.itest.Waits.awaitTrue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.CommandSession;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.Device;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/**
 * The platform bus: devices declared by Configuration Admin factory configurations, the
 * vthermal driver with its polling timer, configuration changes and deletion as re-add and hot
 * unplug, and invalid declarations refused with a log line and nothing created.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PlatformIT extends DriverModelTestBase {
    private static final String FACTORY_PID = "org.drivermodel.platform.device";
    private static final String THERMAL = "drivermodel,virtual-thermal";

    private final List<String> busLog = new CopyOnWriteArrayList<>();
    private final List<String> coreLog = new CopyOnWriteArrayList<>();

    @Before
    public void listen() {
        listenToLog(entry -> {
            if ("org.drivermodel.bus-platform".equals(entry.getBundle().getSymbolicName())) {
                busLog.add(entry.getLogLevel() + " " + entry.getMessage());
            } else {
                coreLog.add(entry.getBundle().getSymbolicName() + " " + entry.getLogLevel() + " " + entry.getMessage()
                        + (entry.getException() == null ? "" : " " + entry.getException()));
            }
        });
    }

    private org.osgi.service.cm.Configuration declare(Object... keyValues) throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(FACTORY_PID, "?");
        c.update(properties(keyValues));
        return c;
    }

    private Device awaitBound(String name) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(Waits.DEADLINE_SECONDS);
        while (System.nanoTime() < end) {
            try {
                Device d = core.device("platform/" + name);
                if (d.driver().equals(Optional.of("vthermal"))) {
                    return d;
                }
            } catch (DriverModelException e) {
                // not there yet
            }
            Thread.sleep(1);
        }
        throw new AssertionError("platform/" + name + " not bound to vthermal: devices " + core.devices() + ", bus log "
                + busLog + ", other log " + coreLog);
    }

    private String cat(String path) {
        return read(path).strip();
    }

    /** Runs a command in a session of its own whose console is returned: attr:watch prints as values come. */
    private String console(String command) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(out, true, "UTF-8");
        CommandSession s = shell.createSession(new java.io.ByteArrayInputStream(new byte[0]), ps, ps);
        try {
            Object result = s.execute(command);
            assertEquals("attr:watch prints, it returns nothing", null, result);
        } finally {
            s.close();
        }
        return out.toString("UTF-8");
    }

    @Test
    public void attrWatchPrintsEachNewReadingTheSensorAnnounces() throws Exception {
        declare("name", "thermal0", "compatible", THERMAL, "poll.interval.ms", "10");
        awaitBound("thermal0");
        String temp = "/bus/platform/devices/thermal0/temp1_input";
        String printed = console("attr:watch " + temp + " 3");
        String[] lines = printed.split("\n");
        assertEquals(printed, 3, lines.length);
        for (String line : lines) {
            long mC = Long.parseLong(line);
            assertTrue(line, mC >= 35_000 && mC <= 45_000);
        }
        assertTrue(console("attr:watch -t 30 " + temp).matches("\\d+\n"));

        // bounded: a file nobody announces changes of times out, naming it
        DriverModelException e = assertErrno(Errno.ETIMEDOUT, () -> console("attr:watch -t 1 /bus/platform/devices/thermal0/poll_interval_ms"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("ETIMEDOUT: /devices/platform/thermal0/poll_interval_ms: no change announced within 1 s"));
        assertErrno(Errno.ENOENT, () -> console("attr:watch /bus/platform/devices/thermal0/nosuch"));
        assertErrno(Errno.EINVAL, () -> console("attr:watch " + temp + " 0"));
        assertErrno(Errno.EINVAL, () -> console("attr:watch -t 0 " + temp));
        assertErrno(Errno.EINVAL, () -> console("attr:watch"));
        assertErrno(Errno.EACCES, () -> console("attr:watch /bus/platform/drivers/vthermal/bind"));

        // the uevent file: the core's DRIVER= and the platform bus's identity variables
        assertEquals("DRIVER=vthermal\nOF_NAME=thermal0\nOF_COMPATIBLE_0=" + THERMAL + "\nOF_COMPATIBLE_N=1\nMODALIAS=of:Nthermal0T(null)C"
                + THERMAL, cat("/bus/platform/devices/thermal0/uevent"));
    }

    @Test
    public void aFactoryConfigurationDeclaresADeviceThatIsBoundAndPolled() throws Exception {
        declare("name", "thermal0", "compatible", THERMAL, "poll.interval.ms", "10", "label", "cpu");
        Device d = awaitBound("thermal0");
        assertEquals("/devices/platform/thermal0", d.path());
        assertEquals("cpu", d.property("label"));
        String samples = "/bus/platform/devices/thermal0/samples";
        awaitTrue("the sensor is polled", () -> Long.parseLong(cat(samples)) >= 3);
        long t = Long.parseLong(cat("/bus/platform/devices/thermal0/temp1_input"));
        assertTrue("a plausible temperature: " + t, t >= 35_000 && t <= 45_000);
        CommandSession session = session();
        String tree = String.valueOf(session.execute("device:tree"));
        assertTrue(tree, tree.contains("\n  platform\n    thermal0  [platform, bound, vthermal]\n"));
        assertEquals("/devices/platform/thermal0: bound to vthermal", session.execute("device:wait platform/thermal0 5"));
        assertErrno(Errno.ETIMEDOUT, () -> session.execute("device:wait platform/none 1"));
        assertErrno(Errno.EINVAL, () -> session.execute("device:wait platform/thermal0 0"));
        assertErrno(Errno.EINVAL, () -> session.execute("device:wait platform/thermal0 5 6"));
        assertErrno(Errno.EINVAL, () -> session.execute("device:wait /devices/platform/../x 1"));
    }

    @Test
    public void thePollIntervalIsWritableAndBadValuesChangeNothing() throws Exception {
        declare("name", "thermal0", "compatible", THERMAL);
        awaitBound("thermal0");
        String interval = "/bus/platform/devices/thermal0/poll_interval_ms";
        assertEquals("1000", cat(interval));
        try (AttributeFile f = core.open(interval)) {
            f.write("50\n");
            assertEquals("50\n", f.read());
            for (String bad : List.of("5", "60001", "-1", "abc", "", "1e3", "99999999999999999999999")) {
                Errno expected = bad.length() > 18 ? Errno.ERANGE : Errno.EINVAL; // as kstrtoul: overflow is ERANGE
                DriverModelException e = assertErrno(expected, () -> f.write(bad));
                assertTrue(e.getMessage(), e.getMessage().startsWith(expected + ": /devices/platform/thermal0/poll_interval_ms: "));
                assertEquals("unchanged after '" + bad + "'", "50\n", f.read());
            }
        }
    }

    @Test
    public void aChangedConfigurationReAddsTheDeviceAndADeletedOneUnplugsItAndStopsItsTimer() throws Exception {
        org.osgi.service.cm.Configuration c = declare("name", "thermal0", "compatible", THERMAL, "poll.interval.ms", "10");
        Device first = awaitBound("thermal0");
        c.update(properties("name", "thermal0", "compatible", THERMAL, "poll.interval.ms", "10", "label", "board"));
        awaitTrue("re-added with its new properties", () -> first.state() == org.drivermodel.api.DeviceState.REMOVED);
        Device second = awaitBound("thermal0");
        assertEquals("board", second.property("label"));

        AttributeFile samples = core.open("/bus/platform/devices/thermal0/samples");
        c.delete();
        awaitTrue("removed with its configuration", () -> second.state() == org.drivermodel.api.DeviceState.REMOVED);
        assertErrno(Errno.ENODEV, () -> samples.read());
        assertErrno(Errno.ENOENT, () -> core.device("platform/thermal0"));
        assertTrue("the poll timer thread ended before the unbind returned",
                Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("vthermal-thermal0")));
        samples.close();
    }

    @Test
    public void invalidDeclarationsAreLoggedAndCreateNothing() throws Exception {
        declare("name", "good0", "compatible", THERMAL);
        awaitBound("good0");
        Object[][] bad = {
            {"compatible", THERMAL},                                        // no name
            {"name", 12, "compatible", THERMAL},                            // a name that is not a string
            {"name", "../up", "compatible", THERMAL},                       // a path in the name
            {"name", "bad1", "compatible", "thermal"},                      // no vendor in compatible
            {"name", "bad2", "compatible", THERMAL, "label", 5L},           // a property that is not a string
            {"name", "good0", "compatible", THERMAL},                       // a duplicate name
        };
        for (Object[] b : bad) {
            int before = busLog.size();
            declare(b);
            awaitTrue("an error for " + List.of(b), () -> busLog.size() > before);
            String line = busLog.get(before);
            assertTrue(line, line.startsWith("ERROR platform device not created: E"));
            assertTrue(line, line.contains(": configuration " + FACTORY_PID));
        }
        assertTrue(busLog.toString(), busLog.stream().anyMatch(l -> l.contains("EEXIST") && l.contains("'good0' is declared already")));
        assertEquals("only the valid one exists", List.of("/devices/platform/good0"),
                core.devices().stream().map(Device::path).filter(p -> p.startsWith("/devices/platform")).toList());
    }
}
