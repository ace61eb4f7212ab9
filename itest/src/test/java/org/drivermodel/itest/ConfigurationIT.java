package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.drivermodel.api.Driver;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

/**
 * The core's configuration ({@code org.drivermodel.core}) through Configuration Admin: a
 * valid one applies without unbinding anything; an invalid one is refused with a clear
 * error and changes nothing. Configuration Admin delivers asynchronously, so each test waits
 * (with a deadline) for the core's own log entry saying what it did.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigurationIT extends VirtualBusTestBase {
    private static final long DEADLINE_SECONDS = 20;
    private static final String CORE = "org.drivermodel.core";

    private final BlockingQueue<String> coreLog = new LinkedBlockingQueue<>();

    @Before
    public void listen() {
        // the core's settings line is INFO
        listenToLog(entry -> {
            if (CORE.equals(entry.getBundle().getSymbolicName())) {
                coreLog.add(entry.getLogLevel() + " " + entry.getMessage());
            }
        }, CORE);
    }

    @After
    public void reset() throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(CORE, "?");
        if (c.getProperties() != null) {
            c.delete();
            awaitLog("settings: CoreSettings[deferredProbeTimeout=PT10S, testDriverRemove=false,");
        }
        unplugAll();
    }

    /** Waits for a core log entry containing {@code text}, failing at the deadline. */
    private String awaitLog(String text) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        for (long left; (left = end - System.nanoTime()) > 0;) {
            String line = coreLog.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("no core log entry with '" + text + "' within " + DEADLINE_SECONDS + " s");
    }

    @Test
    public void aValidConfigurationAppliesWithoutUnbindingAnything() throws Exception {
        String name = vbus.plug("1209:0001");
        RecordingDriver recorder = new RecordingDriver(false);
        ServiceRegistration<Driver> reg = RecordingDriver.register(context, recorder, "recorder", "1209:00fe");
        try {
            updateConfiguration(CORE, "test.driver.remove", "true", "deferred.probe.timeout.ms", 2000L);
            awaitLog("settings: CoreSettings[deferredProbeTimeout=PT2S, testDriverRemove=true,");
            assertEquals("nothing was unbound", java.util.Optional.of("vled"), core.device("vbus/" + name).driver());
            String probed = vbus.plug("1209:00fe");
            assertEquals(List.of("probe " + probed, "remove " + probed, "probe " + probed), recorder.calls());
        } finally {
            reg.unregister();
        }
    }

    @Test
    public void anInvalidConfigurationIsRefusedAndChangesNothing() throws Exception {
        updateConfiguration(CORE, "deferred.probe.timeout.ms", "soon");
        String line = awaitLog("configuration ignored");
        assertTrue(line, line.contains("EINVAL: configuration org.drivermodel.core: deferred.probe.timeout.ms: 'soon'"));
        assertTrue(line, line.startsWith("ERROR"));
        RecordingDriver recorder = new RecordingDriver(false);
        ServiceRegistration<Driver> reg = RecordingDriver.register(context, recorder, "recorder", "1209:00fe");
        try {
            String probed = vbus.plug("1209:00fe");
            assertEquals("still the defaults: one probe", List.of("probe " + probed), recorder.calls());
        } finally {
            reg.unregister();
        }
    }
}
