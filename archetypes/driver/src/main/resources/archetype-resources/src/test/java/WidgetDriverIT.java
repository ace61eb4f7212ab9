package ${package};

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.File;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.Uevent;
#if( $bus == "platform" )
import org.drivermodel.platform.PlatformDevices;
#else
import org.drivermodel.vbus.VirtualBus;
#end
import org.drivermodel.testkit.exam.DriverModelOptions;
import org.drivermodel.testkit.unload.UnloadProof;
import org.drivermodel.testkit.unload.UnloadRecord;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
#if( $bus == "platform" )
import org.osgi.service.cm.ConfigurationAdmin;
#end
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The driver in a real framework (failsafe runs this once on Felix, once on Equinox): the
 * driver model's runtime from the test kit plus this project's jar. A device is bound, its
 * attribute read and written, then the test kit's unload proof stops the bundle under load and
 * checks that it left nothing behind. The test holds no object of the driver (an {@code @Inject}
 * of one of its services would keep its class loader, and the proof would say so).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class WidgetDriverIT {
    private static final String BUNDLE = "${groupId}.${artifactId}";
    private static final String DRIVER = "${driver}";
    private static final long BIND_TIMEOUT_SECONDS = 30;

    @Inject
    private BundleContext context;
    @Inject
    private DriverCore core;
#if( $bus == "platform" )
    @Inject
    private ConfigurationAdmin configAdmin;
#else
    @Inject
    private VirtualBus vbus;
#end

    @Configuration
    public Option[] config() {
        return options(composite(DriverModelOptions.runtime()),     // DS, Log, CM, EventAdmin, the driver model, the kit
                DriverModelOptions.unloadProofSettings(),           // a log history that keeps no class loader
                bundle(new File(System.getProperty("driver.jar")).toURI().toString()));
    }

    @Test
    public void bindsADeviceServesItsAttributeAndUnloadsCleanly() throws Exception {
#if( $bus == "platform" )
        String dev = "/devices/platform/" + DRIVER + "0";
        awaitBind(dev, () -> {
            Hashtable<String, Object> declaration = new Hashtable<>();
            declaration.put(PlatformDevices.NAME, DRIVER + "0");
            declaration.put(PlatformDevices.COMPATIBLE, "${compatible}");
            configAdmin.createFactoryConfiguration(PlatformDevices.FACTORY_PID, "?").update(declaration);
            return null;
        });
#else
        String dev = awaitBind(null, () -> "/devices/vbus/" + vbus.plug("${vbusId}"));
#end
        assertEquals(Optional.of(DRIVER), core.device(dev).driver());
        assertEquals("0\n", read(dev + "/level"));
        try (AttributeFile level = core.open(dev + "/level")) {
            level.write("42");
        }
        assertEquals("42\n", read(dev + "/level"));

        UnloadRecord record = UnloadProof.assertUnloadsCleanly(context, mine());

        assertTrue(record.toString(), record.attributeFiles().contains(dev + "/level"));
        assertEquals("the device stays, unbound", Optional.empty(), core.device(dev).driver());
    }

    /** What plugs or declares the device; returns its path if it knows it. */
    private interface Action {
        String run() throws Exception;
    }

    /**
     * Runs the action and waits, up to 30 s, for the core's BIND uevent
     * of the device to this driver.
     *
     * @param dev the device's path, or null if the action returns it
     * @return the device's path
     */
    private String awaitBind(String dev, Action action) throws Exception {
        CountDownLatch bound = new CountDownLatch(1);
        String[] path = {dev};
        Hashtable<String, Object> topic = new Hashtable<>();
        topic.put(EventConstants.EVENT_TOPIC, Uevent.BIND.topic());
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, event -> {
            synchronized (path) {
                if (DRIVER.equals(event.getProperty(Uevent.DRIVER)) && event.getProperty(Uevent.DEVPATH).equals(path[0])) {
                    bound.countDown();
                }
            }
        }, topic);
        try {
            String known = action.run();
            synchronized (path) {
                if (known != null) {
                    path[0] = known;
                }
            }
            // the BIND event may have come before path[0] was known: the device's state says so then
            if (!DRIVER.equals(boundDriver(path[0]))) {
                assertTrue(path[0] + " bound to " + DRIVER + " within " + BIND_TIMEOUT_SECONDS + " s",
                        bound.await(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            return path[0];
        } finally {
            handler.unregister();
        }
    }

    private String boundDriver(String dev) {
        try {
            return core.device(dev).driver().orElse(null);
        } catch (RuntimeException e) {
            return null; // not there yet
        }
    }

    private String read(String file) {
        try (AttributeFile f = core.open(file)) {
            return f.read();
        }
    }

    private Bundle mine() {
        return Arrays.stream(context.getBundles()).filter(b -> BUNDLE.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + BUNDLE + " installed"));
    }
}
