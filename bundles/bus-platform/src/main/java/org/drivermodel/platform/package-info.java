/**
 * The platform bus: devices that do not announce themselves (a board's fixed devices, Linux's
 * device tree or ACPI), declared instead by Configuration Admin factory configurations of
 * {@value org.drivermodel.platform.PlatformDevices#FACTORY_PID}, and so by {@code .cfg} files
 * dropped into the distribution's {@code deploy/} folder. A driver names the devices it drives by
 * their {@code compatible} string with {@link org.drivermodel.platform.PlatformMatch}.
 */
@Export
@Version("1.0.0")
package org.drivermodel.platform;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
