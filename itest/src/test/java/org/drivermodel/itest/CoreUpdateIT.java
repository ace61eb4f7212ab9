package org.drivermodel.itest;

import static org.drivermodel.itest.Waits.awaitTrue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.inject.Inject;

import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.testkit.exam.DriverModelOptions;
import org.drivermodel.vbus.VirtualBus;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The core can be updated or restarted while drivers stay installed (issue #15): the API is a
 * bundle of its own ({@code org.drivermodel.api}), so no driver, bus or upper layer is wired to
 * the core. With every sample driver and the test driver bound, {@code Bundle.update()} of the
 * core, and separately its stop and start, leave every other bundle of the driver model as it
 * was — same state, same wiring (none of them refreshed), its API packages still wired to the
 * API bundle, nothing pending removal — and once the core is back, every device is bound again
 * to its driver. The old core's class loader is not kept by anyone after an update.
 *
 * <p>"Not refreshed" is checked bundle by bundle, by the identity of its {@link BundleWiring}
 * (a refresh makes a new one), not by the framework's refresh events: Felix refreshes an
 * updated bundle that nobody is wired to at once, by itself (the old core alone, here), and
 * reports it as {@code PACKAGES_REFRESHED}; Equinox drops the old revision without an event.
 *
 * <p>The test holds no object of the core across the update (the {@code DriverCore} service
 * comes from a tracker, devices are looked at through strings), so that the old revision's
 * class loader can be collected. That is why it does not extend {@link DriverModelTestBase},
 * whose injected {@code DriverCore} would keep it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CoreUpdateIT {
    private static final String CORE = "org.drivermodel.core";
    private static final String API = "org.drivermodel.api";
    private static final List<String> DRIVERS = List.of("org.drivermodel.driver-vled", "org.drivermodel.driver-sensor",
            "org.drivermodel.driver-ramdisk", "org.drivermodel.driver-test");
    /** The packages a driver may take from the API bundle, and only from it. */
    private static final List<String> API_PACKAGES = List.of("org.drivermodel.api", "org.drivermodel.error",
            "org.drivermodel.lifetime");
    private static final String PLATFORM_FACTORY = "org.drivermodel.platform.device";
    private static final String SENSOR = "coretest0";
    /** How long the old core's class loader may take to be collected. */
    private static final long COLLECT_SECONDS = 20;

    @Inject
    private BundleContext context;

    @Inject
    private VirtualBus vbus;

    @Inject
    private ConfigurationAdmin configAdmin;

    private ServiceTracker<DriverCore, DriverCore> core;
    private org.osgi.service.cm.Configuration sensor;
    /** device (bus/name) -> the driver that must be bound to it */
    private final Map<String, String> expected = new TreeMap<>();

    /** The log keeps one entry: on Equinox an entry keeps the loader of the bundle that logged it (see UnloadIT). */
    @Configuration
    public Option[] config() {
        return TestRuntime.withTestDriver(DriverModelOptions.unloadProofSettings());
    }

    @Before
    public void bindADeviceToEveryDriver() throws Exception {
        core = new ServiceTracker<>(context, DriverCore.class, null);
        core.open();
        expected.put("vbus/" + vbus.plug("1209:0001"), "vled");
        expected.put("vbus/" + vbus.plug("1d6b:0100"), "ramdisk");
        expected.put("vbus/" + vbus.plug("7e57:0001"), "testdrv");
        sensor = configAdmin.createFactoryConfiguration(PLATFORM_FACTORY, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("name", SENSOR);
        props.put("compatible", "drivermodel,virtual-thermal");
        sensor.update(props);
        expected.put("platform/" + SENSOR, "vthermal");
        awaitAllBound("before the core is touched");
    }

    @After
    public void unplugEverything() throws Exception {
        Bundles.startIfStopped(bundle(CORE));
        DriverModelTestBase.unplugAll(vbus);
        if (sensor != null) {
            sensor.delete();
        }
        this.core.close();
    }

    @Test
    public void updatingTheCoreLeavesEveryDriverWiredToTheApiAndBindsTheirDevicesAgain() throws Exception {
        Bundle core = bundle(CORE);
        BundleRevision oldRevision = core.adapt(BundleRevision.class);
        WeakReference<ClassLoader> oldLoader = Bundles.loaderOf(core);
        Map<String, BundleWiring> before = otherWirings();
        assertDriversWiredToTheApiOnly(before);

        core.update();

        assertEquals("the core is back", Bundle.ACTIVE, core.getState());
        assertNotSame("the core runs a new revision", oldRevision, core.adapt(BundleRevision.class));
        oldRevision = null; // it keeps the old class loader reachable
        assertUntouched(before);
        awaitAllBound("after the update of the core");
        assertTrue("the old core's class loader is collected within " + COLLECT_SECONDS + " s",
                Bundles.collected(oldLoader, COLLECT_SECONDS));
    }

    @Test
    public void stoppingAndStartingTheCoreLeavesEveryDriverWiredToTheApiAndBindsTheirDevicesAgain() throws Exception {
        Bundle core = bundle(CORE);
        BundleWiring coreWiring = core.adapt(BundleWiring.class);
        Map<String, BundleWiring> before = otherWirings();
        assertDriversWiredToTheApiOnly(before);

        core.stop();
        assertEquals(Bundle.RESOLVED, core.getState());
        assertEquals("no DriverCore while the core is stopped", null, this.core.getServiceReference());
        assertUntouched(before);
        for (String device : expected.keySet()) {
            assertTrue(device + " still plugged", device.startsWith("platform/")
                    || vbus.plugged().containsKey(device.substring("vbus/".length())));
        }

        core.start();
        assertSame("a restart keeps the core's wiring", coreWiring, core.adapt(BundleWiring.class));
        assertUntouched(before);
        awaitAllBound("after the restart of the core");
    }

    // ---- assertions -----------------------------------------------------------------------------

    /**
     * @return the wiring of every bundle of the driver model but the core (the API and lifetime
     *         bundles, the buses, the block layer, the shell, the test kit, the drivers), by name
     */
    private Map<String, BundleWiring> otherWirings() {
        Map<String, BundleWiring> wirings = new LinkedHashMap<>();
        for (Bundle b : context.getBundles()) {
            String bsn = b.getSymbolicName();
            if (bsn != null && bsn.startsWith("org.drivermodel.") && !bsn.equals(CORE)) {
                assertEquals(bsn + " is active", Bundle.ACTIVE, b.getState());
                wirings.put(bsn, b.adapt(BundleWiring.class));
            }
        }
        assertTrue("the API, lifetime and driver bundles are there: " + wirings.keySet(),
                wirings.keySet().containsAll(DRIVERS) && wirings.containsKey(API)
                        && wirings.containsKey("org.drivermodel.lifetime"));
        return wirings;
    }

    /**
     * Every driver takes the API packages it uses from the API bundle, and nothing from the core or
     * the lifetime bundle.
     */
    private void assertDriversWiredToTheApiOnly(Map<String, BundleWiring> wirings) {
        Bundle api = bundle(API);
        for (String driver : DRIVERS) {
            Map<String, String> providers = new TreeMap<>();
            for (BundleWire wire : wirings.get(driver).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                String pkg = (String) wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
                Bundle provider = wire.getProvider().getBundle();
                providers.put(pkg, provider.getSymbolicName());
                if (API_PACKAGES.contains(pkg)) {
                    assertSame(driver + " takes " + pkg + " from the API bundle", api, provider);
                }
                assertTrue(driver + " is wired to neither the core nor lifetime: " + pkg + " from " + provider,
                        !provider.getSymbolicName().equals(CORE) && !provider.getSymbolicName().equals("org.drivermodel.lifetime"));
            }
            assertEquals(driver + " imports the API", API, providers.get("org.drivermodel.api"));
        }
    }

    /**
     * Every bundle but the core is as it was: active, with the same wiring (a refresh would have
     * made a new one), still current and in use, its API packages from the API bundle; and no
     * bundle is pending removal (the old core exported nothing anyone used).
     */
    private void assertUntouched(Map<String, BundleWiring> before) {
        Map<String, BundleWiring> now = otherWirings();
        assertEquals("the same bundles", before.keySet(), now.keySet());
        for (Map.Entry<String, BundleWiring> e : before.entrySet()) {
            BundleWiring wiring = now.get(e.getKey());
            assertSame(e.getKey() + " keeps its wiring: not refreshed", e.getValue(), wiring);
            assertTrue(e.getKey() + "'s wiring is current and in use", wiring.isCurrent() && wiring.isInUse());
        }
        assertDriversWiredToTheApiOnly(now);
        List<String> pending = new ArrayList<>();
        for (Bundle b : context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class)
                .getRemovalPendingBundles()) {
            pending.add(b.getSymbolicName());
        }
        assertEquals("no bundle pending removal", List.of(), pending);
    }

    /** Waits until the core is there and every expected device is bound to its driver. */
    private void awaitAllBound(String when) throws InterruptedException {
        try {
            awaitTrue("every device bound to its driver " + when, () -> expected.equals(bindings()));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": expected " + expected + ", found " + bindings(), e);
        }
    }

    /** @return device -> its driver ("-" if unbound, the error code if the core has none such, "no core" without a core) */
    private Map<String, String> bindings() {
        Map<String, String> found = new TreeMap<>();
        DriverCore c = core.getService();
        for (String device : expected.keySet()) {
            if (c == null) {
                found.put(device, "no core");
                continue;
            }
            try {
                found.put(device, c.device(device).driver().orElse("-"));
            } catch (DriverModelException e) {
                found.put(device, e.errno().name());
            }
        }
        return found;
    }

    // ---- helpers --------------------------------------------------------------------------------

    private Bundle bundle(String bsn) {
        return Bundles.installed(context, bsn);
    }
}
