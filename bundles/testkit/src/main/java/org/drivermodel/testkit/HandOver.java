package org.drivermodel.testkit;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registered by a test as an OSGi service; the untrusted drivers
 * ({@code org.drivermodel.driver-untrusted}) hand it what they should have kept to themselves:
 * the {@link org.drivermodel.api.BoundDevice} of a binding, an executor they started and never
 * shut down. The test is then the "other bundle" that keeps it past the binding and uses it later.
 *
 * <p>What is handed over is an object of the core or of the JDK, never of the driver's own
 * classes, so that holding it does not by itself keep the driver's class loader: a test can still
 * prove that loader collected (or, for an executor whose thread carries the loader, that the
 * thread is what keeps it). Called in the driver's thread, outside any lock of the driver.
 *
 * @since 1.2
 */
@ConsumerType
public interface HandOver {

    /**
     * A driver hands something over.
     *
     * @param behaviour what the driver does with it, e.g. {@code stale-handle}, {@code executor}
     * @param device    the path of the device it was made for
     * @param handle    the object: a {@code BoundDevice}, an {@code ExecutorService}
     */
    void handOver(String behaviour, String device, Object handle);
}
