package org.drivermodel.testkit.exam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.CompositeOption;
import org.ops4j.pax.exam.options.UrlProvisionOption;

/** The kit's bundle list: versions baked in at build time, each overridable by a file. */
class DriverModelOptionsTest {
    private static final String VERSION = System.getProperty("expected.project.version");

    @AfterEach
    void clearOverrides() {
        for (String name : DriverModelOptions.names()) {
            System.clearProperty(DriverModelOptions.OVERRIDE_PREFIX + name);
        }
    }

    @Test
    void everyBundleHasAnMvnUrlWithTheVersionOfThisBuild() {
        assertEquals("mvn:org.drivermodel/core/" + VERSION, DriverModelOptions.location("core"));
        assertEquals("mvn:org.drivermodel/testkit/" + VERSION, DriverModelOptions.location("testkit"));
        assertEquals("mvn:org.apache.felix/org.apache.felix.scr/" + System.getProperty("expected.scr.version"),
                DriverModelOptions.location("scr"));
        for (String name : DriverModelOptions.names()) {
            String url = DriverModelOptions.location(name);
            assertTrue(url.startsWith("mvn:") && !url.contains("${"), name + ": " + url);
        }
    }

    @Test
    void theRuntimeInstallsTheFrameworkServicesAndTheDriverModelButNoDriver() {
        List<String> urls = urls(DriverModelOptions.runtime());
        List<String> expected = new ArrayList<>();
        for (String name : List.of("component", "function", "promise", "scr", "log", "configadmin", "eventadmin",
                "gogo-runtime", "api", "lifetime", "core", "bus-virtual", "bus-platform", "block", "shell", "testkit")) {
            expected.add(DriverModelOptions.location(name));
        }
        assertEquals(expected, urls.subList(0, expected.size()), "the kit's bundles first, in order");
        assertFalse(urls.stream().anyMatch(u -> u.contains("/driver-")), "no driver: " + urls);
        assertTrue(urls.size() > expected.size(), "and Pax Exam's JUnit bundles: " + urls);
    }

    @Test
    void aSystemPropertyOverridesABundleWithAFile(@TempDir Path dir) throws IOException {
        File jar = Files.createFile(dir.resolve("core.jar")).toFile();
        System.setProperty("dm.bundle.core", jar.getPath());
        assertEquals(jar.toURI().toString(), DriverModelOptions.location("core"));
        assertTrue(urls(DriverModelOptions.runtime()).contains(jar.toURI().toString()));
        assertEquals("mvn:org.drivermodel/lifetime/" + VERSION, DriverModelOptions.location("lifetime"), "only that one");
    }

    @Test
    void anOverrideThatNamesNoFileIsRefusedByName(@TempDir Path dir) {
        System.setProperty("dm.bundle.block", dir.resolve("missing.jar").toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DriverModelOptions.location("block"));
        assertTrue(e.getMessage().contains("dm.bundle.block is " + dir.resolve("missing.jar")), e.getMessage());
        System.setProperty("dm.bundle.block", dir.toString());
        assertThrows(IllegalStateException.class, () -> DriverModelOptions.location("block"), "a directory is no file");
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DriverModelOptions.bundle("nosuch"));
        assertTrue(e.getMessage().contains("'nosuch'") && e.getMessage().contains("driver-ramdisk"), e.getMessage());
    }

    @Test
    void theSampleAndTestDriversAreTheirOwnOptions() {
        assertEquals(List.of(DriverModelOptions.location("driver-vled"), DriverModelOptions.location("driver-sensor"),
                DriverModelOptions.location("driver-ramdisk")), urls(DriverModelOptions.sampleDrivers()));
        assertEquals(List.of(DriverModelOptions.location("driver-test")), urls(new Option[] {DriverModelOptions.testDriver()}));
    }

    private static List<String> urls(Option[] options) {
        List<String> urls = new ArrayList<>();
        for (Option o : options) {
            if (o instanceof UrlProvisionOption u) {
                urls.add(u.getURL());
            } else if (o instanceof CompositeOption c) {
                urls.addAll(urls(c.getOptions()));
            } else if (o instanceof org.ops4j.pax.exam.options.ProvisionOption<?> p) {
                urls.add(p.getURL());
            }
        }
        return urls;
    }
}
