/**
 * The unload proof a driver author runs on their own driver bundle, inside the framework:
 * {@link org.drivermodel.testkit.unload.UnloadProof#assertUnloadsCleanly} stops the bundle under
 * attribute and block load and asserts that the stop completes in time, no device stays bound to
 * its drivers, none of its code runs afterwards, the core reports nothing it left behind, the
 * load saw only the errors of a device going, and its class loader is collected after uninstall
 * and refresh. Each broken property is an {@link java.lang.AssertionError} naming it, the
 * bundle and the evidence.
 */
@Export
@Version("1.0.0")
package org.drivermodel.testkit.unload;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
