package org.drivermodel.testkit;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registered by a test as an OSGi service; the hostile drivers
 * ({@code org.drivermodel.driver-hostile}) call it. It steers how long a misbehaviour lasts, so
 * that a test can prove containment while the fault is active and then end it, and it tells the
 * test what came of a misbehaviour. Every method is called in the driver's thread, outside any
 * lock of the driver.
 *
 * @since 1.1
 */
@ConsumerType
public interface HostileHooks {

    /**
     * A hostile driver is about to misbehave for as long as this call blocks: hang in its
     * {@code remove}, block in {@code show}, keep a thread running, delay a call after its
     * {@code remove}. Return to let it go on.
     *
     * @param behaviour what it does: {@code remove}, {@code show}, {@code thread}, {@code late-attribute}
     * @param device    the device's path
     */
    void hang(String behaviour, String device);

    /**
     * What came of a misbehaviour the driver could observe, e.g. the refusal of a registration
     * after its {@code remove}.
     *
     * @param behaviour what it did
     * @param device    the device's path
     * @param result    what happened, as text (an exception's {@code toString}, or {@code ok})
     */
    void outcome(String behaviour, String device, String result);
}
