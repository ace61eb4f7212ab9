/**
 * vled, the sample driver: it drives the virtual LED {@code 1209:0001} on the virtual bus.
 * Private: a driver exports nothing; the core finds it as a {@code Driver} service.
 */
package org.drivermodel.driver.vled;
