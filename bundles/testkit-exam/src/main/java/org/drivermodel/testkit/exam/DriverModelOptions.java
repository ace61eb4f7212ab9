package org.drivermodel.testkit.exam;

import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.ops4j.pax.exam.Option;

/**
 * The Pax Exam options of a framework running the driver model: Declarative Services, the Log
 * Service, Configuration Admin, EventAdmin, Gogo's runtime, the driver model's bundles and the
 * test kit, plus JUnit for the probe. A test adds its own bundle:
 *
 * <pre>
 * &#64;Configuration
 * public Option[] config() {
 *     return options(composite(DriverModelOptions.runtime()), DriverModelOptions.unloadProofSettings(),
 *             mavenBundle("com.example", "my-driver").versionAsInProject());
 * }
 * </pre>
 *
 * <p>Each bundle is named (see {@link #names()}) and installed from an {@code mvn:} URL whose
 * version is the one this kit was built with, unless the system property
 * {@code dm.bundle.<name>} gives a file: then that file (this project's own integration tests
 * pass the reactor's freshly built bundles so).
 *
 * <p>Stateless: every method may be called from any thread.
 */
public final class DriverModelOptions {
    /** The prefix of the system properties that override a bundle's location with a file. */
    public static final String OVERRIDE_PREFIX = "dm.bundle.";

    private static final List<String> FRAMEWORK = List.of(
            "component", "function", "promise", "scr", "log", "configadmin", "eventadmin", "gogo-runtime");
    private static final List<String> DRIVER_MODEL = List.of(
            "api", "lifetime", "core", "bus-virtual", "bus-platform", "block", "shell", "testkit");
    private static final List<String> SAMPLE_DRIVERS = List.of("driver-vled", "driver-sensor", "driver-ramdisk");
    private static final String TEST_DRIVER = "driver-test";
    private static final Properties LOCATIONS = load();

    private DriverModelOptions() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = DriverModelOptions.class.getResourceAsStream("bundles.properties")) {
            if (in == null) {
                throw new IllegalStateException("bundles.properties is missing from the test kit's jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the test kit's bundles.properties", e);
        }
        return p;
    }

    /**
     * @return the options of the runtime: clean caches, the framework services, the driver model
     *         (api, lifetime, core, bus-virtual, bus-platform, block, shell) and the test kit, and
     *         Pax Exam's JUnit bundles
     */
    public static Option[] runtime() {
        List<Option> options = new ArrayList<>();
        options.add(cleanCaches());
        for (String name : FRAMEWORK) {
            options.add(bundle(name));
        }
        for (String name : DRIVER_MODEL) {
            options.add(bundle(name));
        }
        options.add(junitBundles());
        return options.toArray(new Option[0]);
    }

    /** @return the project's sample drivers: vled (vbus 1209:0001), vthermal (platform) and ramdisk (vbus 1d6b:0100) */
    public static Option[] sampleDrivers() {
        return SAMPLE_DRIVERS.stream().map(DriverModelOptions::bundle).toArray(Option[]::new);
    }

    /** @return the project's test driver (testdrv on vbus 7e57, testblk on vbus 7eb1), steered through TestHooks */
    public static Option testDriver() {
        return bundle(TEST_DRIVER);
    }

    /**
     * The framework settings the unload proof needs: the Log Service keeps a history of one
     * entry, as on Equinox a kept entry keeps the class loader of the bundle that logged it.
     *
     * @return the option
     */
    public static Option unloadProofSettings() {
        return frameworkProperty("org.apache.felix.log.maxSize").value("1");
    }

    /**
     * @param name a bundle's name in the kit ({@link #names()})
     * @return the option installing it from {@link #location(String)}
     */
    public static Option bundle(String name) {
        return org.ops4j.pax.exam.CoreOptions.bundle(location(name));
    }

    /**
     * @param name a bundle's name in the kit ({@link #names()})
     * @return the file URI of {@code dm.bundle.<name>} if that property is set, else the
     *         {@code mvn:} URL of the version the kit was built with
     * @throws IllegalArgumentException for a name the kit does not know
     * @throws IllegalStateException if the property names no file
     */
    public static String location(String name) {
        String url = LOCATIONS.getProperty(name);
        if (url == null) {
            throw new IllegalArgumentException("the test kit knows no bundle '" + name + "': it knows " + names());
        }
        String override = System.getProperty(OVERRIDE_PREFIX + name);
        if (override == null) {
            return url;
        }
        File file = new File(override);
        if (!file.isFile()) {
            throw new IllegalStateException(OVERRIDE_PREFIX + name + " is " + override + ", which is no file");
        }
        return file.toURI().toString();
    }

    /** @return the names of the bundles the kit knows, in installation order */
    public static List<String> names() {
        List<String> names = new ArrayList<>(FRAMEWORK);
        names.addAll(DRIVER_MODEL);
        names.addAll(SAMPLE_DRIVERS);
        names.add(TEST_DRIVER);
        return names;
    }
}
