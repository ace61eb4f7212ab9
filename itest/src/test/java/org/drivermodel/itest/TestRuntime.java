package org.drivermodel.itest;

import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.File;

import org.drivermodel.testkit.exam.DriverModelOptions;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

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

    /** @return the options of a framework with the whole driver model and the sample drivers */
    public static Option[] driverModel() {
        requireReactorBundles();
        return options(composite(DriverModelOptions.runtime()), composite(DriverModelOptions.sampleDrivers()));
    }

    /**
     * @return the options of {@link #driverModel()} plus the test driver (testdrv, on vbus vendor
     *         7e57), which tests stop, update and steer through {@link org.drivermodel.testkit.TestHooks}
     */
    public static Option[] withTestDriver() {
        return options(composite(driverModel()), DriverModelOptions.testDriver());
    }

    /**
     * @return the installed bundle with that symbolic name
     * @throws AssertionError if there is none
     */
    public static Bundle installed(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
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
