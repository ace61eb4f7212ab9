/**
 * Linux-style error codes and the one exception the driver model throws at its callers.
 *
 * <p>Every error a caller can see from the model carries an {@link org.drivermodel.error.Errno}
 * and names the object it is about, e.g. {@code ENODEV: /devices/vbus0/1209:0001.1: device was removed}.
 */
@Export
@Version("1.2.0")
package org.drivermodel.error;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
