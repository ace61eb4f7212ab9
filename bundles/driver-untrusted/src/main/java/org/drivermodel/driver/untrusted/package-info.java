/**
 * The untrusted drivers: test-only drivers on vbus vendor {@code b4d1}, one Declarative Services
 * driver component per fault class of invariants 9 ("driver code is untrusted") and 10 ("a
 * binding is an instance, not a name") of docs/design.md §2, for the integration tests that prove
 * the core contains each
 * fault, names it in the lifetime report and is left clean. {@code b4d1:0000} is a well-behaved
 * driver, the control. Private: tests steer them only through the test kit's
 * {@link org.drivermodel.testkit.HostileHooks} (a hang lasts until the test lets go; what came of a
 * misbehaviour is told as text) and {@link org.drivermodel.testkit.HandOver} (what a driver should
 * have kept to itself). Not part of the distribution.
 */
package org.drivermodel.driver.untrusted;
