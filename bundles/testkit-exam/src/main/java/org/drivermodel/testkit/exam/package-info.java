/**
 * Pax Exam options that boot the driver model runtime, for a driver author's tests:
 * {@link org.drivermodel.testkit.exam.DriverModelOptions#runtime()} plus the author's own bundle,
 * then {@code org.drivermodel.testkit.unload.UnloadProof.assertUnloadsCleanly} in the test.
 * This package runs in the test's JVM, outside the framework (a plain jar, not a bundle).
 */
package org.drivermodel.testkit.exam;
