/**
 * The virtual hotplug bus {@code vbus}: a simulated controller whose devices carry a vendor
 * and a product id ({@code VVVV:PPPP}, hex), plugged and unplugged from code through
 * {@link org.drivermodel.vbus.VirtualBus} and from the shell ({@code vbus:plug},
 * {@code vbus:unplug}).
 *
 * <p>A driver for vbus devices declares the ids it drives with {@link org.drivermodel.vbus.VbusMatch}.
 */
@Export
@Version("1.0.0")
package org.drivermodel.vbus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
