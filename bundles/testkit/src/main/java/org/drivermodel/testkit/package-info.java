/**
 * The test kit: hooks a test registers as a service to steer and observe the test driver
 * ({@code org.drivermodel.driver-test}, {@link org.drivermodel.testkit.TestHooks}) and the hostile
 * drivers ({@code org.drivermodel.driver-hostile}, {@link org.drivermodel.testkit.HostileHooks},
 * since 1.1), and the service the untrusted drivers ({@code org.drivermodel.driver-untrusted})
 * hand their bindings' handles to ({@link org.drivermodel.testkit.HandOver}, since 1.2). The
 * driver calls the test, never the other way round, and hands over only objects of the core or
 * the JDK, so a test holds no object of a driver generation and the class-loader proofs stay honest.
 */
@Export
@Version("1.2.0")
package org.drivermodel.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
