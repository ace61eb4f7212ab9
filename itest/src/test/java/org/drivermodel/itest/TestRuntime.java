package org.drivermodel.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.File;

import org.drivermodel.testkit.exam.DriverModelOptions;
import org.ops4j.pax.exam.Option;

/**
 * The runtime every integration test boots: the test kit's {@link DriverModelOptions#runtime()}
 * (Declarative Services, the Log Service, Configuration Admin, EventAdmin, Gogo's runtime, the
 * driver model and the test kit) and the sample drivers — one list, the one a driver author uses.
 * The bundles are the reactor's freshly built ones, not a Maven repository's: failsafe passes
 * each bundle's file as the {@code dm.bundle.*} system property that overrides the kit's
 * {@code mvn:} URL.
 */
public final class TestRuntime {

    private TestRuntime() {
    }

    /**
     * @param extra what a test adds: its settings, its own bundles
     * @return the options of a framework with the whole driver model and the sample drivers, then {@code extra}
     */
    public static Option[] driverModel(Option... extra) {
        requireReactorBundles();
        return options(composite(DriverModelOptions.runtime()), composite(DriverModelOptions.sampleDrivers()),
                composite(extra));
    }

    /**
     * @param extra what a test adds: its settings, its own bundles
     * @return the options of {@link #driverModel} plus the test driver (testdrv, on vbus vendor
     *         7e57), which tests stop, update and steer through {@link org.drivermodel.testkit.TestHooks},
     *         then {@code extra}
     */
    public static Option[] withTestDriver(Option... extra) {
        return options(composite(driverModel()), DriverModelOptions.testDriver(), composite(extra));
    }

    /**
     * A bundle of the reactor that is no part of the test kit (the storm, the hostile and the
     * untrusted drivers): failsafe passes its file as {@code dm.bundle.<name>}.
     *
     * @return the option installing it
     * @throws IllegalStateException if the property names no file (the tests were not run through Maven)
     */
    public static Option reactorBundle(String name) {
        String path = System.getProperty(DriverModelOptions.OVERRIDE_PREFIX + name);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException(DriverModelOptions.OVERRIDE_PREFIX + name + " is " + path
                    + ": run the integration tests through Maven");
        }
        return bundle(new File(path).toURI().toString());
    }

    /** The ITs test the reactor's bundles only: without the overrides the kit would take a repository's. */
    private static void requireReactorBundles() {
        for (String name : DriverModelOptions.names()) {
            String path = System.getProperty(DriverModelOptions.OVERRIDE_PREFIX + name);
            if (path == null || !new File(path).isFile()) {
                throw new IllegalStateException(DriverModelOptions.OVERRIDE_PREFIX + name + " is " + path
                        + ": run the integration tests through Maven (mvn verify), which passes the reactor's bundles");
            }
        }
    }
}
