package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.drivermodel.itest.Distribution.Run;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The driver archetype, as a driver author outside this repository uses it: {@code mvn
 * archetype:generate} a project from the installed archetype into {@code target/archetype-it},
 * build it with its own tests ({@code mvn verify}: the unit tests, then its Pax Exam test on
 * Felix and on Equinox, which binds a device, reads its attribute and runs the unload proof),
 * drop its jar into {@code deploy/} of a copy of the distribution and see the device bound, and
 * unbound when the jar is deleted. Then the same project, changed to leak a device reference,
 * fails its own unload proof naming the reference; and the platform-bus variant builds and
 * passes its tests too.
 *
 * <p>The generated projects resolve the drivermodel artifacts from the local repository, as any
 * project outside this reactor does: this test runs in {@code mvn install} (the modules before
 * {@code itest} are installed by then) and first checks that the installed artifacts are this
 * build's. Each Maven run shares the build's local repository ({@code dm.local.repository}) and is
 * offline when the build is.
 */
public class ArchetypeIT {
    /** How long one Maven run may take (a generated project's verify takes about a minute on 2 busy cores). */
    private static final long MAVEN_DEADLINE_SECONDS = 300;
    private static final String GROUP = "com.example";
    private static final String ARTIFACT = "my-driver";
    private static final String BSN = GROUP + "." + ARTIFACT;
    private static final String VBUS_ID = "f00d:0001";
    private static final String VERSION = System.getProperty("dm.version", "missing");

    private static final Path WORK = Path.of(System.getProperty("dm.archetype.work", "target/archetype-it"));
    private static final Path LOCAL_REPO = Path.of(System.getProperty("dm.local.repository", "missing"));

    /** The generated vbus project, after its own {@code mvn verify}. */
    private static Path project;
    private static MavenRun verify;

    @BeforeClass
    public static void generateAndBuild() throws Exception {
        // -Dit.test=ArchetypeIT overrides every execution's excludes: the class runs only in its
        // own execution, which sets dm.execution (and the properties it needs); elsewhere it is
        // reported skipped
        Assume.assumeTrue("runs in the archetype execution", "archetype".equals(System.getProperty("dm.execution")));
        requireThisBuildInstalled();
        Distribution.deleteTree(WORK);
        Files.createDirectories(WORK);
        project = generate(WORK, ARTIFACT, "vbus");
        verify = maven(project, "verify");
    }

    @Test
    public void theGeneratedProjectBuildsAndPassesItsUnitTestsAndItsUnloadProofOnFelixAndEquinox() throws Exception {
        assertEquals(verify.output(), 0, verify.status());
        assertTrue(verify.output(), Files.isRegularFile(jar(project)));
        assertContains(verify.output(), "Tests run: 3, Failures: 0, Errors: 0, Skipped: 0"); // WidgetTest, JUnit 5
        for (String framework : List.of("felix", "equinox")) {
            String report = Files.readString(project.resolve("target/failsafe-reports/" + framework + "/failsafe-summary.xml"));
            assertContains(report, "<completed>1</completed>");
            assertContains(report, "<errors>0</errors>");
            assertContains(report, "<failures>0</failures>");
        }
        // standalone: no parent, and every version its own
        String pom = Files.readString(project.resolve("pom.xml"));
        assertTrue(pom, !pom.contains("<parent>"));
        assertContains(pom, "<drivermodel.version>" + VERSION + "</drivermodel.version>");
        assertTrue("every filtered version was replaced:\n" + pom, !Pattern.compile("@[a-z0-9.-]+@").matcher(pom).find());
    }

    @Test
    public void itsJarDroppedIntoDeployBindsItsDeviceAndDeletingItUnbindsIt() throws Exception {
        Path jar = jar(project);
        assertTrue("the generated project's jar (built in generateAndBuild): " + verify.output(), Files.isRegularFile(jar));
        Path copy = Distribution.copy();
        try {
            Path deployed = copy.resolve("deploy").resolve(jar.getFileName());
            Path script = copy.resolve("archetype-deploy.gogo");
            Files.writeString(script, String.join("\n",
                    "echo (vbus:plug " + VBUS_ID + ")",
                    "echo \"== deploy it now\"",
                    "echo (driver:wait widget 60)",
                    "echo (device:list)",
                    "echo (attr:cat /devices/vbus/" + VBUS_ID + ".1/level)",
                    "echo \"== delete it now\"",
                    "echo (driver:wait -g widget 60)",
                    "echo (device:list)",
                    "stop 0", ""));
            Run run = Distribution.runScript(copy, script, Map.of(
                    "== deploy it now", () -> Files.copy(jar, deployed),
                    "== delete it now", () -> Files.delete(deployed)));
            String out = run.output();
            assertEquals(out, 0, run.status());
            assertContainsLine(out, "plugged " + VBUS_ID + "\\.1: no driver");
            assertContainsLine(out, "driver widget: registered, bound " + VBUS_ID + "\\.1");
            assertContainsLine(out, VBUS_ID + "\\.1\\s+vbus\\s+bound\\s+widget");
            assertContainsLine(out, "0");
            assertContainsLine(out, "driver widget: gone");
            assertContainsLine(out, VBUS_ID + "\\.1\\s+vbus\\s+unbound\\s+-");
        } finally {
            Distribution.deleteTree(copy);
        }
    }

    @Test
    public void changedToLeakAReferenceItFailsItsOwnUnloadProofNamingTheReference() throws Exception {
        Path leaky = WORK.resolve(ARTIFACT + "-leaky");
        Distribution.deleteTree(leaky);
        Distribution.copyTree(project.resolve("src"), leaky.resolve("src"));
        Files.copy(project.resolve("pom.xml"), leaky.resolve("pom.xml"));
        Files.copy(project.resolve("bnd.bnd"), leaky.resolve("bnd.bnd"));
        Path driver = leaky.resolve("src/main/java/com/example/mydriver/WidgetDriver.java");
        String code = Files.readString(driver);
        code = replaceOnce(code, "import org.drivermodel.api.DriverBinding;\n",
                "import org.drivermodel.api.DriverBinding;\nimport org.drivermodel.api.DriverCore;\n");
        code = replaceOnce(code, "    private Logger log;\n",
                "    private Logger log;\n\n    @Reference\n    private DriverCore core;\n");
        code = replaceOnce(code, "        device.setDriverData(widget);      // register\n",
                "        device.setDriverData(widget);      // register\n        core.hold(device.path());          // the bug: a reference never put\n");
        Files.writeString(driver, code);

        // on Felix only: the proof is the same on Equinox, and the run the shorter
        MavenRun run = maven(leaky, "package", "failsafe:integration-test@felix", "failsafe:verify@felix");

        assertNotEquals("the build fails:\n" + run.output(), 0, run.status());
        String report = Files.readString(leaky.resolve("target/failsafe-reports/felix/com.example.mydriver.WidgetDriverIT.txt"));
        String dev = "/devices/vbus/" + VBUS_ID + ".1";
        assertTrue(report, Pattern.compile("java\\.lang\\.AssertionError: unload proof of bundle (\\d+) \\(" + Pattern.quote(BSN)
                + "\\): the core's lifetime report names nothing it left behind: BUNDLE leak of bundle \\1 \\(" + Pattern.quote(BSN) + "\\)")
                .matcher(report).find());
        assertContains(report, "reference to " + dev);
        assertContains(run.output(), "unload proof of bundle"); // and the author sees it in the build's output
    }

    @Test
    public void thePlatformBusVariantBuildsAndPassesItsTests() throws Exception {
        Path platform = generate(WORK, "my-platform-driver", "platform");
        String driver = Files.readString(platform.resolve("src/main/java/com/example/mydriver/WidgetDriver.java"));
        assertContains(driver, "@DriverBinding(bus = \"platform\", driver = \"widget\")");
        assertContains(driver, "@PlatformMatch(\"example,widget\")");
        assertTrue(driver, !driver.contains("vbus"));

        // the unit tests and the Pax Exam test on Felix (Equinox runs the same test for vbus above)
        MavenRun run = maven(platform, "package", "failsafe:integration-test@felix", "failsafe:verify@felix");

        assertEquals(run.output(), 0, run.status());
        String report = Files.readString(platform.resolve("target/failsafe-reports/felix/failsafe-summary.xml"));
        assertContains(report, "<completed>1</completed>");
        assertContains(report, "<failures>0</failures>");
        assertContains(report, "<errors>0</errors>");
    }

    // --- helpers

    /** Output and exit status of one Maven run. */
    record MavenRun(int status, String output) {
    }

    private static Path generate(Path into, String artifactId, String bus) throws IOException, InterruptedException {
        MavenRun run = maven(into, "org.apache.maven.plugins:maven-archetype-plugin:" + System.getProperty("dm.archetype.plugin.version")
                + ":generate", "-DarchetypeGroupId=org.drivermodel", "-DarchetypeArtifactId=driver-archetype",
                "-DarchetypeVersion=" + VERSION, "-DgroupId=" + GROUP, "-DartifactId=" + artifactId,
                "-Dpackage=com.example.mydriver", "-Dbus=" + bus);
        assertEquals(run.output(), 0, run.status());
        Path generated = into.resolve(artifactId);
        assertTrue(run.output(), Files.isRegularFile(generated.resolve("pom.xml")));
        return generated;
    }

    /** Runs Maven in {@code dir}, batch mode, with the build's local repository; fails unless it exits within the deadline. */
    private static MavenRun maven(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(new File(System.getProperty("dm.maven.home", "missing"), "bin/mvn").getPath(),
                "-B", "-ntp", "-Dmaven.repo.local=" + LOCAL_REPO));
        if ("[true]".equals(System.getProperty("dm.maven.offline"))) {
            command.add("-o");
        }
        command.addAll(List.of(args));
        Path log = Files.createTempFile(WORK, "mvn", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        if (!p.waitFor(MAVEN_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("mvn " + String.join(" ", args) + " in " + dir + " did not end within " + MAVEN_DEADLINE_SECONDS
                    + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new MavenRun(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /**
     * The generated projects take the drivermodel artifacts from the local repository: they must
     * be this build's, not an older install's.
     */
    private static void requireThisBuildInstalled() throws IOException {
        Map<String, String> built = Map.of(
                "api", System.getProperty("dm.bundle.api", "missing"),
                "bus-virtual", System.getProperty("dm.bundle.bus-virtual", "missing"),
                "bus-platform", System.getProperty("dm.bundle.bus-platform", "missing"),
                "core", System.getProperty("dm.bundle.core", "missing"),
                "testkit", System.getProperty("dm.bundle.testkit", "missing"),
                "testkit-exam", System.getProperty("dm.testkit-exam", "missing"),
                "driver-archetype", System.getProperty("dm.archetype", "missing"));
        for (Map.Entry<String, String> e : built.entrySet()) {
            Path reactor = Path.of(e.getValue());
            Path installed = LOCAL_REPO.resolve("org/drivermodel/" + e.getKey() + "/" + VERSION + "/" + e.getKey() + "-" + VERSION + ".jar");
            assertTrue("no " + reactor + ": run the integration tests through Maven", Files.isRegularFile(reactor));
            assertTrue("ArchetypeIT builds projects against the installed drivermodel artifacts, and " + installed
                    + " is not this build's " + reactor + ": run it in mvn install (the README's test command)",
                    Files.isRegularFile(installed) && Files.mismatch(reactor, installed) == -1);
        }
    }

    private static Path jar(Path project) {
        return project.resolve("target/" + project.getFileName() + "-1.0.0-SNAPSHOT.jar");
    }

    private static String replaceOnce(String text, String what, String with) {
        int at = text.indexOf(what);
        assertTrue("the generated driver has '" + what.strip() + "':\n" + text, at >= 0 && text.indexOf(what, at + 1) < 0);
        return text.substring(0, at) + with + text.substring(at + what.length());
    }

    private static void assertContains(String text, String part) {
        assertTrue("no '" + part + "' in:\n" + text, text.contains(part));
    }

    private static void assertContainsLine(String output, String regex) {
        assertTrue("no line matching /" + regex + "/ in:\n" + output, Pattern.compile("(?m)^" + regex + "$").matcher(output).find());
    }
}
