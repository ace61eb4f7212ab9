package org.drivermodel.core.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.felix.framework.Felix;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * The baseline a user would otherwise pick (the OSGi Device Access style): every device an OSGi
 * service, registered in an embedded Apache Felix (the version the distribution runs) with its
 * properties, and a "driver" that is a {@link ServiceTracker} on the device interface whose
 * {@code addingService} gets the service (its probe) and whose {@code removedService} ungets
 * it. Plugging is {@code registerService}, unplugging {@code unregister}; the tracker's
 * callbacks run synchronously inside both, as the core's probe and remove do inside add and
 * remove.
 *
 * <p>One thread uses an instance.
 */
final class FelixRegistryBaseline implements HotplugSide {

    /** The device service interface (a Device Access {@code Device}). */
    interface BenchDevice {
        String name();
    }

    /** A device as a service object. */
    record ServiceDevice(String name) implements BenchDevice {
    }

    private final Path storage;
    private final Felix felix;
    private final BundleContext context;
    private final ServiceTracker<BenchDevice, BenchDevice> tracker;
    private ServiceRegistration<?>[] registrations = new ServiceRegistration<?>[0];
    private int probed; /* the tracker's callbacks run in the plugging thread */
    private int removed;

    FelixRegistryBaseline() {
        try {
            storage = Files.createTempDirectory("felix-baseline");
            felix = new Felix(Map.of(
                    Constants.FRAMEWORK_STORAGE, storage.toString(),
                    Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                    "felix.log.level", "1"));
            felix.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (BundleException e) {
            throw new IllegalStateException("Felix did not start", e);
        }
        context = felix.getBundleContext();
        tracker = new ServiceTracker<>(context, BenchDevice.class, new ServiceTrackerCustomizer<>() {
            @Override
            public BenchDevice addingService(ServiceReference<BenchDevice> reference) {
                BenchDevice device = context.getService(reference);
                probed++;
                return device;
            }

            @Override
            public void modifiedService(ServiceReference<BenchDevice> reference, BenchDevice service) {
            }

            @Override
            public void removedService(ServiceReference<BenchDevice> reference, BenchDevice service) {
                context.ungetService(reference);
                removed++;
            }
        });
        tracker.open();
    }

    /** Registers one service per name, with the given properties and its name; returns the probes counted. */
    @Override
    public int plug(String[] names, Map<String, String> properties) {
        registrations = new ServiceRegistration<?>[names.length];
        for (int i = 0; i < names.length; i++) {
            Hashtable<String, Object> props = new Hashtable<>(properties);
            props.put("device.name", names[i]);
            registrations[i] = context.registerService(BenchDevice.class, new ServiceDevice(names[i]), props);
        }
        return probed;
    }

    /** Unregisters them in the order they were plugged; returns the removes counted. */
    @Override
    public int unplug(String[] names) {
        for (int i = 0; i < names.length; i++) {
            registrations[i].unregister();
            registrations[i] = null;
        }
        return removed;
    }

    /** @return the framework's bundle context (for the footprint measurement) */
    BundleContext context() {
        return context;
    }

    /** Checks that the work counted was done, then stops the framework and deletes its storage. */
    @Override
    public void verifyAndClose(int devices) throws Exception {
        verify(devices);
        close();
    }

    /** Checks that the work counted was done: every device probed, and none or all removed. */
    void verify(int devices) {
        if (probed != devices) {
            throw new IllegalStateException("Felix baseline: probed " + probed + " of " + devices);
        }
        if (removed != 0 && removed != devices) {
            throw new IllegalStateException("Felix baseline: removed " + removed + " of " + devices);
        }
    }

    /** Stops the framework and deletes its storage. */
    void close() throws Exception {
        tracker.close();
        felix.stop();
        FrameworkEvent stopped = felix.waitForStop(600_000);
        if (stopped.getType() != FrameworkEvent.STOPPED) {
            throw new IllegalStateException("Felix baseline did not stop: " + stopped);
        }
        try (Stream<Path> files = Files.walk(storage)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
