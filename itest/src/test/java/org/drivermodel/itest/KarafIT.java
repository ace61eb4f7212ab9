package org.drivermodel.itest;

import static org.drivermodel.itest.Waits.awaitTrue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.After;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The features in a real Apache Karaf (apache-karaf-minimal, Pax Exam's Karaf container, one
 * Karaf for the class): the repository added by its {@code mvn:} URL as a user would, each feature
 * installed on its own, every bundle Active, then the driver model exercised through Karaf's own
 * services: plug and bind, attributes, {@code feature:uninstall} of a driver, {@code bundle:update}
 * of one (its old class loader collected after the refresh), a jar dropped into Karaf's
 * {@code deploy/}, the project's commands in Karaf's console, what a driver feature installed
 * without its bus brings, and the error a user gets for a repository that does not exist.
 *
 * <p>The class names no type of the driver model outside {@link Model}: the probe bundle runs
 * before any feature is installed, and the verifier would load such a type (a caught
 * {@code DriverModelException}, an {@code EventHandler}) with this class and fail.
 *
 * <p>Offline: Karaf's pax-url looks first into a repository of the reactor's freshly built jars
 * and features descriptor (laid out under {@code target/karaf-reactor-repo} by
 * {@link #config()}), then into the Maven local repository in use; no remote repository.
 */
@RunWith(KarafOnly.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class KarafIT {

    /** The features, in the order a user would add them one by one. */
    static final List<String> FEATURES = List.of("drivermodel-api", "drivermodel-core", "drivermodel-bus-virtual",
            "drivermodel-driver-vled", "drivermodel-bus-platform", "drivermodel-driver-sensor", "drivermodel-block",
            "drivermodel-driver-ramdisk", "drivermodel-bus-linux", "drivermodel-driver-netif", "drivermodel-shell",
            "drivermodel-webconsole");

    /** The features the aggregate leaves out: the web console starts a web server, so it is opt-in. */
    private static final List<String> OPT_IN = List.of("drivermodel-webconsole");

    /** The reactor bundles the features name, by artifact id. */
    private static final List<String> ARTIFACTS = List.of("api", "lifetime", "core", "bus-virtual", "driver-vled",
            "bus-platform", "driver-sensor", "block", "driver-ramdisk", "bus-linux", "driver-netif", "shell", "shell-karaf", "testkit", "webconsole");

    private static final String VLED = "org.drivermodel.driver-vled";

    /**
     * How the test installs and uninstalls features: as {@code feature:install}, but without
     * Karaf's refresh of the bundles whose optional or dynamic imports a new feature could now
     * satisfy: the test's own probe bundle imports {@code *} dynamically, and its refresh would
     * end the test. The features' own bundles are new and need no refresh.
     */
    private static final EnumSet<FeaturesService.Option> NO_REFRESH = EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService features;

    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Configuration
    public Option[] config() throws IOException {
        String version = System.getProperty("dm.project.version");
        Path repo = reactorRepository(version);
        String local = System.getProperty("org.ops4j.pax.url.mvn.localRepository");
        String mvnCfg = "etc/org.ops4j.pax.url.mvn.cfg";
        return new Option[] {
                karafDistributionConfiguration().frameworkUrl(new File(System.getProperty("dm.karaf.zip")).toURI().toString())
                        .karafVersion(System.getProperty("dm.karaf.version")).name("Apache Karaf")
                        .unpackDirectory(new File("target/karaf")).useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.offline", "true"),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.localRepository", local),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.repositories", ""),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.defaultRepositories",
                        repo.toUri() + "@id=reactor@snapshots, ${karaf.home.uri}system@id=system.repository@snapshots, "
                                + new File(local).toURI() + "@id=local@snapshots"),
                systemProperty("dm.project.version").value(version),
                systemProperty("dm.bundle.driver-vled").value(System.getProperty("dm.bundle.driver-vled")) };
    }

    /** Lays the reactor's bundles and features descriptor out as a Maven repository. */
    private static Path reactorRepository(String version) throws IOException {
        Path repo = new File("target/karaf-reactor-repo").getAbsoluteFile().toPath();
        for (String artifact : ARTIFACTS) {
            copy(Path.of(System.getProperty("dm.bundle." + artifact)), repo, artifact, version, artifact + "-" + version + ".jar");
        }
        copy(Path.of(System.getProperty("dm.karaf.features")), repo, "karaf-features", version,
                "karaf-features-" + version + "-features.xml");
        return repo;
    }

    private static void copy(Path from, Path repo, String artifact, String version, String file) throws IOException {
        Path dir = repo.resolve("org/drivermodel").resolve(artifact).resolve(version);
        Files.createDirectories(dir);
        Files.copy(from, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }

    @After
    public void closeTrackers() {
        registrations.forEach(ServiceRegistration::unregister);
        trackers.forEach(ServiceTracker::close);
    }

    /**
     * A driver's feature installed alone, in a Karaf without any of ours, brings what it depends
     * on: the features declare it (vled: the core and vbus), so there is no error to get. It stays
     * installed: the next test adds the other features one by one.
     */
    /**
     * {@code feature:install drivermodel}, the README's first command, in a Karaf without any of
     * ours: every feature it names installed, every bundle Active, the buses, the drivers and the
     * commands there; then {@code feature:uninstall drivermodel} takes all of it away again
     * (with Karaf's refresh: the test has used no type of ours yet, so the refresh leaves its
     * probe alone; even a service looked up by our type name would wire the probe to our package,
     * as the framework checks that the service is assignable, and the refresh would restart it),
     * for the next test to start from a Karaf without any of ours.
     */
    @Test
    public void a0_theAggregateFeatureInstallsEverythingAndGoesWithIt() throws Exception {
        features.addRepository(repositoryUri());
        assertEquals("a Karaf without any of ours", null, bundleOrNull("org.drivermodel.core"));
        features.installFeature("drivermodel", NO_REFRESH);
        for (String name : FEATURES) {
            Feature f = features.getFeature(name);
            if (OPT_IN.contains(name)) {
                assertFalse(name + " is not part of drivermodel", features.isInstalled(f));
                continue;
            }
            assertTrue(name + " installed with drivermodel", features.isInstalled(f));
            for (BundleInfo b : f.getBundles()) {
                assertEquals(b.getLocation() + " of " + name, Bundle.ACTIVE, bundleAt(b.getLocation()).getState());
            }
        }
        awaitCommand("bus:list");
        awaitTrue("both buses in bus:list", () -> printed("bus:list").contains("vbus") && printed("bus:list").contains("platform"));
        awaitTrue("the three drivers in driver:list", () -> {
            String drivers = printed("driver:list");
            return drivers.contains("vled") && drivers.contains("vthermal") && drivers.contains("ramdisk");
        });
        awaitTrue("the block layer and its commands", () -> printed("block:list").contains("DISK"));

        features.uninstallFeature("drivermodel");
        for (String name : FEATURES) {
            assertFalse(name + " uninstalled with drivermodel", features.isInstalled(features.getFeature(name)));
        }
        for (Bundle b : context.getBundles()) {
            assertFalse("no bundle of ours is left: " + b.getSymbolicName(), b.getSymbolicName().startsWith("org.drivermodel."));
        }
    }

    @Test
    public void a_aDriverFeatureAloneBringsItsBusAndTheCore() throws Exception {
        features.addRepository(repositoryUri());
        assertEquals("a Karaf without any of ours", null, bundleOrNull("org.drivermodel.core"));
        Feature vled = features.getFeature("drivermodel-driver-vled");
        assertTrue(String.valueOf(vled.getDependencies()), vled.getDependencies().stream()
                .anyMatch(d -> d.getName().equals("drivermodel-bus-virtual")));

        features.installFeature("drivermodel-driver-vled", NO_REFRESH);
        for (String bsn : List.of("org.drivermodel.api", "org.drivermodel.lifetime", "org.drivermodel.core",
                "org.drivermodel.bus-virtual", VLED)) {
            assertEquals(bsn + " installed with the driver's feature", Bundle.ACTIVE, bundleOrNull(bsn).getState());
        }
        for (String dependency : List.of("drivermodel-api", "drivermodel-core", "drivermodel-bus-virtual")) {
            assertTrue(dependency + " installed", features.isInstalled(features.getFeature(dependency)));
        }
        awaitTrue("vbus", () -> model(this).buses().contains("vbus"));
        awaitTrue("vbus/vled", () -> model(this).hasDriver("vbus", "vled"));
    }

    @Test
    public void b_theFeaturesInstallOneByOneEveryBundleActive() throws Exception {
        features.addRepository(repositoryUri());
        for (String name : FEATURES) {
            Feature f = features.getFeature(name);
            assertNotNull("feature " + name + " in the repository", f);
            features.installFeature(name, NO_REFRESH);
            assertTrue(name + " installed", features.isInstalled(f));
            for (BundleInfo b : f.getBundles()) {
                Bundle bundle = bundleAt(b.getLocation());
                assertEquals(b.getLocation() + " of " + name, Bundle.ACTIVE, bundle.getState());
            }
            registeredAfter(name);
        }
        for (Bundle b : context.getBundles()) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                assertEquals("every bundle of the Karaf Active: " + b.getSymbolicName(), Bundle.ACTIVE, b.getState());
            }
        }
    }

    @Test
    public void c_aPluggedDeviceBindsAndItsAttributesReadAndWrite() throws Exception {
        Model dm = installed();
        String name = dm.plug("1209:0001");
        String dev = "/devices/vbus/" + name;
        try {
            dm.awaitBound(dev, "vled");
            dm.write(dev + "/brightness", "128");
            assertEquals("128", dm.read(dev + "/brightness"));
        } finally {
            dm.unplug(name);
        }
    }

    @Test
    public void d_featureUninstallOfADriverUnbindsBeforeItReturns() throws Exception {
        Model dm = installed();
        String name = dm.plug("1209:0001");
        String dev = "/devices/vbus/" + name;
        try {
            dm.awaitBound(dev, "vled");
            features.uninstallFeature("drivermodel-driver-vled", NO_REFRESH);
            assertEquals("unbound when feature:uninstall returned", "UNBOUND -", dm.state(dev));
            assertEquals("the vled bundle is gone", null, bundleOrNull(VLED));
            assertEquals("a clean lifetime report", "references=[] pins=[] leaks=[]", dm.report());

            features.installFeature("drivermodel-driver-vled", NO_REFRESH);
            dm.awaitBound(dev, "vled");
        } finally {
            dm.unplug(name);
        }
    }

    @Test
    public void e_bundleUpdateOfADriverRebindsAndTheOldLoaderIsCollected() throws Exception {
        Model dm = installed();
        BlockingQueue<String> uevents = dm.uevents(context, registrations);
        String name = dm.plug("1209:0001");
        String dev = "/devices/vbus/" + name;
        try {
            dm.awaitBound(dev, "vled");
            assertEquals("ADD " + dev, Waits.poll(uevents));
            assertEquals("BIND " + dev, Waits.poll(uevents));
            Bundle vled = bundleOrNull(VLED);
            WeakReference<ClassLoader> old = Bundles.loaderOf(vled);

            console("bundle:update " + vled.getBundleId());
            assertEquals("UNBIND " + dev, Waits.poll(uevents));
            assertEquals("BIND " + dev, Waits.poll(uevents));
            dm.awaitBound(dev, "vled");
            Bundles.refresh(context, vled, Waits.DEADLINE_SECONDS);
            assertTrue("the stopped generation's class loader is collected", Bundles.collected(old, Waits.DEADLINE_SECONDS));
            assertEquals("a clean lifetime report", "references=[] pins=[] leaks=[]", dm.report());
        } finally {
            dm.unplug(name);
        }
    }

    @Test
    public void f_aDriverJarInDeployBindsAndItsDeletionUnbinds() throws Exception {
        Model dm = installed();
        features.uninstallFeature("drivermodel-driver-vled", NO_REFRESH);
        String name = dm.plug("1209:0001");
        String dev = "/devices/vbus/" + name;
        Path jar = Path.of(System.getProperty("karaf.base"), "deploy", "driver-vled.jar");
        try {
            assertEquals("UNBOUND -", dm.state(dev));
            Files.copy(Path.of(System.getProperty("dm.bundle.driver-vled")), jar);
            dm.awaitBound(dev, "vled");
            Files.delete(jar);
            awaitTrue(dev + " unbound after the jar's deletion", () -> "UNBOUND -".equals(dm.state(dev)) && bundleOrNull(VLED) == null);
            assertEquals("a clean lifetime report", "references=[] pins=[] leaks=[]", dm.report());
        } finally {
            Files.deleteIfExists(jar);
            dm.unplug(name);
            features.installFeature("drivermodel-driver-vled", NO_REFRESH);
        }
    }

    @Test
    public void g_theCommandsAreListedByHelpAndRunInKarafsConsole() throws Exception {
        Model dm = installed();
        String help = console("help");
        for (String command : List.of("device:list", "driver:list", "driver:stop", "attr:cat", "attr:write",
                "vbus:plug", "usage:report", "block:list")) {
            assertTrue(command + " in Karaf's help:\n" + help, help.contains(command));
        }
        String plugged = console("vbus:plug 1209:0001");
        assertTrue(plugged, plugged.matches("(?s).*plugged 1209:0001\\.\\d+: bound to vled.*"));
        int at = plugged.indexOf("1209:0001.");
        String name = plugged.substring(at, plugged.indexOf(':', at + 10));
        try {
            String list = console("device:list");
            assertTrue(list, list.contains(name) && list.contains("vled"));
            console("attr:write /bus/vbus/devices/" + name + "/brightness 42");
            assertEquals("42", console("attr:cat /bus/vbus/devices/" + name + "/brightness").strip());
            String stopped = console("driver:stop vled");
            assertTrue(stopped, stopped.contains("1 device(s) unbound"));
            assertEquals("UNBOUND -", dm.state("/devices/vbus/" + name));
            console("driver:start " + VLED);
            dm.awaitBound("/devices/vbus/" + name, "vled");
            try {
                console("vbus:plug 12:34");
                fail("a malformed id is refused");
            } catch (Exception e) {
                assertTrue(String.valueOf(e), String.valueOf(e).contains("EINVAL: vbus: malformed id '12:34'"));
            }
        } finally {
            console("vbus:unplug " + name);
        }
    }

    /**
     * Karaf's console completes the model's names and explains each command, as it does for its
     * own commands: the completers are asked as Karaf's console asks them at a TAB (every
     * command's completer, for the whole line), {@code help <command>} and {@code --help} print
     * Karaf's layout, and wrong arguments get EINVAL with the usage.
     */
    @Test
    public void gb_theConsoleCompletesTheModelsNamesAndExplainsEachCommand() throws Exception {
        Model dm = installed();
        awaitCommand("device:info");
        String name = dm.plug("1209:0001");
        String dev = "/devices/vbus/" + name;
        try {
            dm.awaitBound(dev, "vled");
            assertTrue(completions("device:in").contains("device:info"));
            assertEquals(List.of("vbus/" + name), completions("device:info vbus/1209"));
            assertEquals(List.of(dev + "/brightness"), completions("attr:cat " + dev + "/bright"));
            assertTrue(completions("attr:ls /dev").contains("/devices/"));
            assertTrue(completions("driver:stop ").containsAll(List.of("vled", "vthermal", "ramdisk")));
            assertEquals(List.of("--force"), completions("driver:stop --f"));
            assertEquals(List.of("vbus/vled"), completions("driver:bind vbus/vl"));
            assertEquals(List.of(name), completions("driver:unbind vbus/vled 1209:0001."));
            assertEquals(List.of(name), completions("vbus:unplug 1209:0001."));
            assertEquals("nothing for a device that is not there", List.of(), completions("device:info vbus/ffff"));
            assertEquals(List.of(dev + "/brightness"), completions("attr:watch -t 5 " + dev + "/bright"));
            try {
                console("attr:watch -t 1 " + dev + "/brightness");
                fail("attr:watch of a file nobody announces returns");
            } catch (Exception e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("ETIMEDOUT: " + dev + "/brightness: no change announced within 1 s"));
            }

            String help = console("help device:info");
            for (String part : List.of("DESCRIPTION", "device:info", "SYNTAX", "ARGUMENTS", "device", "<bus>/<name>", "--help")) {
                assertTrue(part + " in help device:info:\n" + help, help.contains(part));
            }
            String stopHelp = console("driver:stop --help");
            assertTrue(stopHelp, stopHelp.contains("-f, --force") && stopHelp.contains("driver:stop [options] driver"));
            try {
                console("driver:stop");
                fail("driver:stop without a driver runs");
            } catch (Exception e) {
                assertEquals("EINVAL: driver:stop: usage: driver:stop [-f] <driver>; got 0 arguments", e.getMessage());
            }
            try {
                console("device:info a b");
                fail("device:info with two arguments runs");
            } catch (Exception e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("EINVAL: device:info: usage: device:info <device>; got 2 arguments"));
            }
        } finally {
            dm.unplug(name);
        }
    }

    /**
     * {@code feature:repo-add} of a URL that names no artifact: {@code Error resolving artifact
     * org.drivermodel:karaf-features:xml:features:0.0.0-NONE: [Could not find artifact ...] : <url>},
     * from the service and from the console alike, and nothing is added.
     */
    @Test
    public void h_aRepositoryUrlThatDoesNotExistIsRefused() throws Exception {
        URI missing = URI.create("mvn:org.drivermodel/karaf-features/0.0.0-NONE/xml/features");
        String expected = "Error resolving artifact org.drivermodel:karaf-features:xml:features:0.0.0-NONE:"
                + " [Could not find artifact org.drivermodel:karaf-features:xml:features:0.0.0-NONE] : " + missing;
        try {
            features.addRepository(missing);
            fail("a repository that does not exist is added");
        } catch (Exception e) {
            assertEquals(expected, e.getMessage());
        }
        try {
            console("feature:repo-add " + missing);
            fail("feature:repo-add of a repository that does not exist succeeds");
        } catch (Exception e) {
            assertEquals(expected, e.getMessage());
        }
        assertTrue("the repository is not listed", features.getRepository(missing) == null);
    }

    /**
     * The test kit's unload proof, as a driver author runs it, inside Karaf: vled stopped under
     * attribute load, uninstalled and refreshed, no call after the stop, no reference, pin or leak
     * left, and its class loader collected. Last: it leaves vled uninstalled.
     */
    @Test
    public void i_theTestKitsUnloadProofPassesInsideKaraf() throws Exception {
        Model dm = installed();
        Bundle testkit = context.installBundle("mvn:org.drivermodel/testkit/" + System.getProperty("dm.project.version"));
        testkit.start();
        String first = "/devices/vbus/" + dm.plug("1209:0001");
        String second = "/devices/vbus/" + dm.plug("1209:0001");
        dm.awaitBound(first, "vled");
        dm.awaitBound(second, "vled");
        Bundle vled = bundleOrNull(VLED);

        String record = Proof.assertUnloadsCleanly(context, vled);

        assertEquals(Bundle.UNINSTALLED, vled.getState());
        assertTrue(record, record.contains(first) && record.contains(second) && record.contains("vbus/vled"));
        assertEquals("UNBOUND -", dm.state(first));
    }

    /** The test kit, in a class of its own: loaded once the testkit bundle is installed. */
    static final class Proof {
        static String assertUnloadsCleanly(BundleContext context, Bundle bundle) {
            return org.drivermodel.testkit.unload.UnloadProof.assertUnloadsCleanly(context, bundle).toString();
        }
    }

    /**
     * @param buffer a command line, the cursor at its end
     * @return the values the completers of Karaf's console offer for it, as at a TAB
     */
    private List<String> completions(String buffer) throws Exception {
        SessionFactory factory = service(SessionFactory.class);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Session session = factory.create(new ByteArrayInputStream(new byte[0]), out, out);
        try {
            String[] words = buffer.split(" ", -1);
            org.apache.karaf.shell.api.console.CommandLine line = new org.apache.karaf.shell.api.console.CommandLine() {
                public int getCursorArgumentIndex() { return words.length - 1; }
                public String getCursorArgument() { return words[words.length - 1]; }
                public int getArgumentPosition() { return words[words.length - 1].length(); }
                public String[] getArguments() { return words; }
                public int getBufferPosition() { return buffer.length(); }
                public String getBuffer() { return buffer; }
            };
            List<org.apache.karaf.shell.api.console.Candidate> found = new ArrayList<>();
            for (org.apache.karaf.shell.api.console.Command c : factory.getRegistry().getCommands()) {
                org.apache.karaf.shell.api.console.Completer completer = c.getCompleter(false);
                if (completer != null) {
                    completer.completeCandidates(session, line, found);
                }
            }
            return found.stream().map(org.apache.karaf.shell.api.console.Candidate::value).distinct().sorted().toList();
        } finally {
            session.close();
        }
    }

    // ---------------------------------------------------------------------------------------

    private static URI repositoryUri() {
        return URI.create("mvn:org.drivermodel/karaf-features/" + System.getProperty("dm.project.version") + "/xml/features");
    }

    /** Installs the features (a test may run without the one that installs them one by one). */
    private Model installed() throws Exception {
        features.addRepository(repositoryUri());
        for (String name : FEATURES) {
            if (!features.isInstalled(features.getFeature(name))) {
                features.installFeature(name, NO_REFRESH);
            }
        }
        return model();
    }

    /** @return the driver model's services; a class of its own, loaded once its API is installed */
    private Model model() throws Exception {
        return new Model(service(DRIVER_CORE), service(VIRTUAL_BUS));
    }

    /** What a feature registers: the core, its buses, its drivers, the commands. */
    private void registeredAfter(String feature) throws Exception {
        switch (feature) {
        case "drivermodel-core" -> service(DRIVER_CORE);
        case "drivermodel-bus-virtual" -> awaitTrue("vbus", () -> model(this).buses().contains("vbus"));
        case "drivermodel-driver-vled" -> awaitTrue("vbus/vled", () -> model(this).hasDriver("vbus", "vled"));
        case "drivermodel-bus-platform" -> awaitTrue("platform", () -> model(this).buses().contains("platform"));
        case "drivermodel-driver-sensor" -> awaitTrue("platform/vthermal", () -> model(this).hasDriver("platform", "vthermal"));
        case "drivermodel-block" -> service("org.drivermodel.block.BlockLayer");
        case "drivermodel-driver-ramdisk" -> awaitTrue("vbus/ramdisk", () -> model(this).hasDriver("vbus", "ramdisk"));
        case "drivermodel-bus-linux" -> awaitTrue("linux", () -> model(this).buses().contains("linux"));
        case "drivermodel-driver-netif" -> awaitTrue("linux/netif", () -> model(this).hasDriver("linux", "netif"));
        case "drivermodel-shell" -> awaitCommand("device:list");
        case "drivermodel-webconsole" -> {
            // the page, the inventory printer and the credentials provider, on Felix HTTP Jetty
            service(context.createFilter("(felix.webconsole.label=devices)"), "the web console page");
            service(context.createFilter("(felix.inventory.printer.name=drivermodel-lifetime)"), "the lifetime report printer");
            service(context.createFilter("(webconsole.security.provider.id=drivermodel)"), "the credentials provider");
            service("org.osgi.service.servlet.runtime.HttpServiceRuntime");
        }
        default -> {
        }
        }
    }

    private static Model model(KarafIT test) {
        try {
            return test.model();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final String DRIVER_CORE = "org.drivermodel.api.DriverCore";
    private static final String VIRTUAL_BUS = "org.drivermodel.vbus.VirtualBus";

    /**
     * @return the service registered under that name, failing unless one is within the deadline;
     *         released after the test. By name: this class names no type of the driver model, whose
     *         API is not there until a feature installs it.
     */
    private Object service(String name) throws Exception {
        return service(context.createFilter("(" + Constants.OBJECTCLASS + "=" + name + ")"), name);
    }

    private <T> T service(Class<T> type) throws Exception {
        return type.cast(service(context.createFilter("(" + Constants.OBJECTCLASS + "=" + type.getName() + ")"), type.getName()));
    }

    private Object service(org.osgi.framework.Filter filter, String name) throws Exception {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, filter, null);
        tracker.open();
        trackers.add(tracker);
        Object service = tracker.waitForService(TimeUnit.SECONDS.toMillis(Waits.DEADLINE_SECONDS));
        assertNotNull(name + " registered within " + Waits.DEADLINE_SECONDS + " s", service);
        return service;
    }

    private Bundle bundleAt(String location) {
        for (Bundle b : context.getBundles()) {
            if (location.equals(b.getLocation())) {
                return b;
            }
        }
        throw new AssertionError("no bundle at " + location);
    }

    private Bundle bundleOrNull(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    /**
     * Runs a command in a session of Karaf's console (its {@link SessionFactory}) as the user
     * {@code karaf} with the roles of Karaf's default {@code etc/users.properties} (Karaf's ACLs
     * hide {@code feature:install} and {@code bundle:update} from a session without the admin
     * role: {@code Command not found}), within the deadline.
     *
     * @return what the command printed, then what it returned (unless null)
     */
    private String console(String command) throws Exception {
        SessionFactory factory = service(SessionFactory.class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = factory.create(new ByteArrayInputStream(new byte[0]), out, out);
        Subject karaf = new Subject();
        karaf.getPrincipals().add(new UserPrincipal("karaf"));
        for (String role : List.of("admin", "manager", "viewer", "systembundles", "ssh")) {
            karaf.getPrincipals().add(new RolePrincipal(role));
        }
        try {
            Object result = Waits.callWithin(command,
                    () -> Subject.doAs(karaf, (PrivilegedExceptionAction<Object>) () -> session.execute(command)));
            out.flush();
            String printed = bytes.toString(StandardCharsets.UTF_8);
            return result == null ? printed : printed + result;
        } catch (AssertionError e) {
            Throwable cause = e.getCause() instanceof PrivilegedActionException p ? p.getCause() : e.getCause();
            if (cause instanceof Exception failure) {
                throw failure;
            }
            throw e;
        } finally {
            session.close();
        }
    }

    /** @return what {@link #console} printed, for a condition; an error fails the test */
    private String printed(String command) {
        try {
            return console(command);
        } catch (Exception e) {
            throw new AssertionError(command + ": " + e, e);
        }
    }

    /** Waits until the console knows the command (Karaf registers a bundle's commands a moment after its start). */
    private void awaitCommand(String command) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Waits.DEADLINE_SECONDS);
        for (;;) {
            if (console("help").contains(command)) {
                return;
            }
            assertTrue(command + " in Karaf's console within " + Waits.DEADLINE_SECONDS + " s", System.nanoTime() < end);
            Thread.sleep(50);
        }
    }

    /**
     * The driver model's services, as the tests use them. A class of its own: it is loaded (and
     * its types of the driver model's API resolved) only when a test first uses it, after the
     * features are installed.
     */
    static final class Model {
        private final org.drivermodel.api.DriverCore core;
        private final org.drivermodel.vbus.VirtualBus vbus;

        Model(Object core, Object vbus) {
            this.core = (org.drivermodel.api.DriverCore) core;
            this.vbus = (org.drivermodel.vbus.VirtualBus) vbus;
        }

        List<String> buses() {
            return core.buses();
        }

        boolean hasDriver(String bus, String driver) {
            return core.drivers().stream().anyMatch(d -> d.bus().equals(bus) && d.name().equals(driver));
        }

        /** @return the name of the device plugged into vbus */
        String plug(String id) {
            return vbus.plug(id);
        }

        void unplug(String name) {
            if (vbus.plugged().containsKey(name)) {
                vbus.unplug(name);
            }
        }

        /** @return the device's state and driver ({@code -} when none): {@code BOUND vled} */
        String state(String dev) {
            org.drivermodel.api.Device d = core.device(dev);
            return d.state() + " " + d.driver().orElse("-");
        }

        void awaitBound(String dev, String driver) throws InterruptedException {
            awaitTrue(dev + " bound to " + driver, () -> {
                try {
                    return ("BOUND " + driver).equals(state(dev));
                } catch (org.drivermodel.error.DriverModelException e) {
                    return false; // not there yet
                }
            });
        }

        void write(String file, String value) {
            try (org.drivermodel.api.AttributeFile f = core.open(file)) {
                f.write(value + "\n");
            }
        }

        String read(String file) {
            try (org.drivermodel.api.AttributeFile f = core.open(file)) {
                return f.read().strip();
            }
        }

        /** @return the uevents posted from now on, as {@code TYPE devpath}; the handler is added to {@code registrations} */
        BlockingQueue<String> uevents(BundleContext context, List<ServiceRegistration<?>> registrations) {
            BlockingQueue<String> queue = new LinkedBlockingQueue<>();
            org.osgi.service.event.EventHandler handler = e -> queue.add(
                    e.getTopic().substring(e.getTopic().lastIndexOf('/') + 1) + " " + e.getProperty("devpath"));
            registrations.add(context.registerService(org.osgi.service.event.EventHandler.class, handler,
                    new java.util.Hashtable<>(java.util.Map.of(org.osgi.service.event.EventConstants.EVENT_TOPIC, "org/drivermodel/uevent/*"))));
            return queue;
        }

        /** @return the lifetime report's references, pins and leaks */
        String report() {
            org.drivermodel.api.LifetimeReport r = core.report();
            return "references=" + r.references() + " pins=" + r.pins() + " leaks=" + r.leaks();
        }
    }
}
