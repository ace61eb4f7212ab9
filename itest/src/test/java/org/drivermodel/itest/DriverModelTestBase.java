package org.drivermodel.itest;

import static org.drivermodel.itest.Waits.awaitTrue;
import static org.junit.Assert.assertEquals;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.vbus.VirtualBus;
import org.junit.After;
import org.junit.runners.model.MultipleFailureException;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.admin.LoggerAdmin;

/**
 * What the Pax Exam tests share: the framework they boot, the services they use, and a tear-down
 * that undoes what a test set up through this class. A test class extends it (or
 * {@link VirtualBusTestBase}, which adds the virtual bus) and keeps only what is its own: its
 * {@code @RunWith(PaxExam.class)} and reactor strategy, the options it adds, its hooks, its
 * checks.
 *
 * <ul>
 * <li>The framework: {@link #config()}, the one {@code @Configuration} of every subclass (Pax Exam
 * finds an inherited one), boots {@link #frameworkOptions()}: the driver model with the sample
 * drivers, unless a class overrides it.</li>
 * <li>The services, injected before each test (Pax Exam injects the {@code @Inject} fields of
 * superclasses too): the bundle context, the core, Gogo's command processor, Configuration Admin,
 * the log reader and the logger admin.</li>
 * <li>The tear-down, after the subclass's own {@code @After} (JUnit runs a superclass's last):
 * every thread started through {@link #threads} is given the deadline to end (a failure of one
 * fails the test); then what the test registered ({@link #register}), listened to
 * ({@link #listenToLog}), opened ({@link #session()}) or asked for ({@link #atTearDown}) is
 * undone, the latest first. Each step runs even if an earlier one failed.</li>
 * </ul>
 *
 * <p>Not for a test that must hold no object of the core: {@code CoreUpdateIT} updates it, and the
 * injected {@link DriverCore} would keep the old core's class loader.
 */
public abstract class DriverModelTestBase {

    /** What a test undoes at its tear-down. */
    protected interface Cleanup {
        void run() throws Exception;
    }

    @Inject
    protected BundleContext context;

    @Inject
    protected DriverCore core;

    @Inject
    protected CommandProcessor shell;

    @Inject
    protected ConfigurationAdmin configAdmin;

    @Inject
    protected LogReaderService logReader;

    @Inject
    protected LoggerAdmin loggerAdmin;

    /** The threads the test starts to stand inside driver code or to race it; awaited at the tear-down. */
    protected final TestThreads threads = new TestThreads();

    private final Deque<Cleanup> cleanups = new ArrayDeque<>();
    private CommandSession session;

    /** The one {@code @Configuration} of every subclass: final, so that a class cannot add a second one by mistake. */
    @Configuration
    public final Option[] config() {
        return frameworkOptions();
    }

    /** @return the options of the framework of this class: by default {@link TestRuntime#driverModel} */
    protected Option[] frameworkOptions() {
        return TestRuntime.driverModel();
    }

    /** Awaits the test's threads, then undoes what the test set up through this class, the latest first. */
    @After
    public final void undoTheTestsSetUp() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        try {
            threads.awaitAll(); // a test thread's failure fails the test
        } catch (Throwable e) {
            failures.add(e);
        }
        while (!cleanups.isEmpty()) {
            try {
                cleanups.pop().run();
            } catch (Throwable e) {
                failures.add(e);
            }
        }
        MultipleFailureException.assertEmpty(failures);
    }

    /** Has {@code cleanup} run at the tear-down, before what was asked for earlier. */
    protected void atTearDown(Cleanup cleanup) {
        cleanups.push(cleanup);
    }

    /** Registers a service for this test; it is unregistered at the tear-down. */
    protected <S> ServiceRegistration<S> register(Class<S> type, S service, Dictionary<String, ?> properties) {
        ServiceRegistration<S> registration = context.registerService(type, service, properties);
        atTearDown(registration::unregister);
        return registration;
    }

    /** Registers a service under several names for this test; it is unregistered at the tear-down. */
    protected ServiceRegistration<?> register(String[] types, Object service, Dictionary<String, ?> properties) {
        ServiceRegistration<?> registration = context.registerService(types, service, properties);
        atTearDown(registration::unregister);
        return registration;
    }

    /**
     * Makes the given loggers log INFO and above (R7 loggers log WARN and above unless told
     * otherwise), then adds the listener for this test; it is removed at the tear-down.
     */
    protected void listenToLog(LogListener listener, String... infoLoggers) {
        for (String logger : infoLoggers) {
            loggerAdmin.getLoggerContext(logger).setLogLevels(Map.of(Logger.ROOT_LOGGER_NAME, LogLevel.INFO));
        }
        logReader.addLogListener(listener);
        atTearDown(() -> logReader.removeLogListener(listener));
    }

    /**
     * @return the test's shell session, on streams of its own ({@link Waits#shellSession}): opened
     *         on first use, closed at the tear-down
     */
    protected CommandSession session() {
        if (session == null) {
            session = Waits.shellSession(shell);
            atTearDown(session::close);
        }
        return session;
    }

    /** @return what a command run in the test's {@link #session()} returned, as a string */
    protected String run(String command) throws Exception {
        return String.valueOf(session().execute(command));
    }

    /**
     * @return the installed bundle with that symbolic name
     * @throws AssertionError if there is none
     */
    protected Bundle bundle(String symbolicName) {
        return Bundles.installed(context, symbolicName);
    }

    /** Unplugs every device plugged into that virtual bus. */
    protected static void unplugAll(VirtualBus bus) {
        for (String name : bus.plugged().keySet()) {
            bus.unplug(name);
        }
    }

    /** @return what a read of the attribute file returns */
    protected String read(String file) {
        try (AttributeFile f = core.open(file)) {
            return f.read();
        }
    }

    /** Waits until the device (which may not be there yet) is bound to the driver. */
    protected void awaitBound(String device, String driver) throws InterruptedException {
        awaitTrue(device + " bound to " + driver, () -> {
            try {
                return core.device(device).driver().equals(Optional.of(driver))
                        && core.device(device).state() == DeviceState.BOUND;
            } catch (DriverModelException e) {
                return false; // not there yet
            }
        });
    }

    /** @return the lifetime report's entries of that kind */
    protected List<Leak> leaks(Leak.Kind kind) {
        return core.report().leaks().stream().filter(l -> l.kind() == kind).toList();
    }

    /** @return the lifetime report's one entry of that kind, failing if there are none or more */
    protected Leak onlyLeak(Leak.Kind kind) {
        List<Leak> leaks = leaks(kind);
        assertEquals(leaks.toString(), 1, leaks.size());
        return leaks.get(0);
    }

    /** Updates the configuration of {@code pid} with the given keys and values (Configuration Admin delivers it asynchronously). */
    protected void updateConfiguration(String pid, Object... keyValues) throws Exception {
        configAdmin.getConfiguration(pid, "?").update(properties(keyValues));
    }

    /**
     * Configures the core ({@code org.drivermodel.core}) with one setting, and waits until its
     * log line of the settings it applied, delivered to {@code log}, shows {@code applied}.
     */
    protected void configureCore(String key, Object value, String applied, Collection<String> log) throws Exception {
        updateConfiguration("org.drivermodel.core", key, value);
        awaitTrue("the core applied " + key + "=" + value,
                () -> log.stream().anyMatch(l -> l.contains("settings: ") && l.contains(applied)));
    }

    /** @return a dictionary of the given keys and values: {@code key1, value1, key2, value2, ...} */
    protected static Dictionary<String, Object> properties(Object... keyValues) {
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }
}
