/**
 * The {@code linux} bus: the host's kernel devices, mirrored as devices of the model.
 *
 * <p>At attach the bus enumerates the configured kernel subsystems from {@code /sys} (Linux
 * {@code udevadm trigger}'s coldplug), then follows the kernel's uevents
 * ({@code NETLINK_KOBJECT_UEVENT}) for hotplug: a kernel {@code add} adds a device named
 * {@code <subsystem>:<kernel name>} (e.g. {@code net:eth0}) with the uevent's variables as its
 * properties, a {@code remove} removes it, a {@code move} (a rename) removes the old name and adds
 * the new one. A driver matches with {@link org.drivermodel.linux.LinuxMatch} and any
 * {@code linux.match.<VARIABLE>} service property (a regular expression the device's variable
 * must match whole).
 */
@Export
@Version("1.0.0")
package org.drivermodel.linux;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
