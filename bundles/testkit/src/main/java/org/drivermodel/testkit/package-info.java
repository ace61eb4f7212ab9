/**
 * The test kit: hooks a test registers as a service to steer and observe the test driver
 * ({@code org.drivermodel.driver-test}, {@link org.drivermodel.testkit.TestHooks}) and the hostile
 * drivers ({@code org.drivermodel.driver-hostile}, {@link org.drivermodel.testkit.HostileHooks},
 * since 1.1). The driver calls the test, never the other way round,
 * so a test holds no object of a driver generation and the class-loader proofs stay honest.
 */
@Export
@Version("1.1.0")
package org.drivermodel.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
