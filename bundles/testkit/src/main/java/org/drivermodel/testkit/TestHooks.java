package org.drivermodel.testkit;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registered by a test as an OSGi service; the test driver calls it. Every method is called
 * in the driver's thread, outside any lock of the driver.
 */
@ConsumerType
public interface TestHooks {

    /**
     * The test driver's attribute {@code show} was entered for a device; the hook may block
     * (a test keeping a thread inside driver code).
     *
     * @param generation the driver generation (one per class loader) that is running
     * @param path       the attribute file's path
     */
    void show(long generation, String path);

    /**
     * Code of a driver generation ran after that generation's component was deactivated: a
     * call into an unloaded module, counted by the driver itself.
     *
     * @param generation the dead generation
     * @param what       what ran
     */
    void lateCall(long generation, String what);
}
