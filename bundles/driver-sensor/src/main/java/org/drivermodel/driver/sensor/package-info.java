/**
 * vthermal, the platform driver sample: a simulated thermal sensor polled on a timer.
 * Private: a driver exports nothing.
 */
package org.drivermodel.driver.sensor;
