/**
 * The driver model's API: what buses and drivers implement and what the core provides.
 *
 * <p>A {@link org.drivermodel.api.Bus} is an OSGi service from its bus bundle; a
 * {@link org.drivermodel.api.Driver} is an OSGi service (a Declarative Services component)
 * from its driver bundle, carrying the properties of {@link org.drivermodel.api.DriverBinding}.
 * The core tracks both: when a bus adds a device, the core matches it against the drivers
 * of that bus and probes the first that matches; when the device goes, or the driver's
 * service goes (its bundle stopping), the driver's {@code remove} runs before that returns.
 */
@Export
@Version("2.1.0")
package org.drivermodel.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
