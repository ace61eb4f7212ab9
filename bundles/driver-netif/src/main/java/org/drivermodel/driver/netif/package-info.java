/**
 * netif, a driver for the host's network interfaces on the {@code linux} bus. Private: the core
 * finds it as a {@code Driver} service.
 */
package org.drivermodel.driver.netif;
