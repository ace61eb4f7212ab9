/**
 * ramdisk, the block driver sample: a memory-backed disk for each vbus device {@code 1d6b:0100}.
 * Private: a driver exports nothing.
 */
package org.drivermodel.driver.ramdisk;
