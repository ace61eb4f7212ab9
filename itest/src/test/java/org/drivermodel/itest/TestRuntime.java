package org.drivermodel.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.File;

import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The runtime every integration test boots: Declarative Services, the Log Service, Gogo's
 * runtime and the project's freshly built bundles, taken from the reactor (failsafe passes
 * each bundle's file as a {@code dm.bundle.*} system property), not from a Maven repository.
 */
public final class TestRuntime {

    private TestRuntime() {
    }

    /** @return the options of a framework with the whole driver model (with Configuration Admin and EventAdmin) */
    public static Option[] driverModel() {
        return options(
                cleanCaches(),
                reactorBundle("component"),
                reactorBundle("function"),
                reactorBundle("promise"),
                reactorBundle("scr"),
                reactorBundle("log"),
                reactorBundle("configadmin"),
                reactorBundle("eventadmin"),
                reactorBundle("gogo-runtime"),
                reactorBundle("lifetime"),
                reactorBundle("core"),
                reactorBundle("bus-virtual"),
                reactorBundle("driver-vled"),
                reactorBundle("bus-platform"),
                reactorBundle("driver-sensor"),
                reactorBundle("block"),
                reactorBundle("driver-ramdisk"),
                reactorBundle("shell"),
                junitBundles());
    }

    /**
     * @return the options of {@link #driverModel()} plus the test kit and the test driver
     *         (testdrv, on vbus vendor 7e57), which tests stop, update and steer through
     *         {@link org.drivermodel.testkit.TestHooks}
     */
    public static Option[] withTestDriver() {
        return options(composite(driverModel()), reactorBundle("testkit"), reactorBundle("driver-test"));
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

    private static Option reactorBundle(String name) {
        String path = System.getProperty("dm.bundle." + name);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("dm.bundle." + name + " is " + path
                    + ": run the integration tests through Maven (mvn verify), which passes the reactor's bundles");
        }
        return bundle(new File(path).toURI().toString());
    }
}
