/**
 * The driver core's implementation: private to the core bundle.
 *
 * <p>One file per concept, after Linux {@code drivers/base}: {@link DeviceModel} is core.c,
 * bus.c and dd.c (the registries, matching and binding), {@link DeviceNode} is a device,
 * {@link Subsystem} and {@link DriverEntry} are what the core keeps of a bus and of a driver,
 * {@link BusTracker} and {@link DriverTracker} bring them in from the OSGi service registry,
 * {@link DriverCoreComponent} ties it together as a Declarative Services component.
 */
package org.drivermodel.core.impl;
