/**
 * The hostile drivers: test-only drivers on vbus vendor {@code b4d0}, one misbehaviour per
 * product, for the tests that prove the driver model contains each and names it in a report.
 * Private: tests steer them only through the test kit's {@link org.drivermodel.testkit.HostileHooks}.
 * Not part of the distribution.
 */
package org.drivermodel.driver.hostile;
