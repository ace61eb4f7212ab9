/**
 * The driver core's implementation: private to the core bundle.
 *
 * <p>One file per concept, after Linux {@code drivers/base}: {@link DeviceModel} is core.c,
 * bus.c, class.c and dd.c (the registries, matching and binding), {@link DeviceNode} is a
 * device, {@link Subsystem} and {@link DriverEntry} are what the core keeps of a bus or class
 * and of a driver, {@link DeferredProbes} is the deferred-probe list, {@link SysfsLayout} lays
 * the model out in the attribute tree ({@code sysfs} package), {@link UeventQueue} posts
 * uevents, {@link BusTracker} and {@link DriverTracker} bring buses and drivers in from the
 * OSGi service registry, {@link DriverCoreComponent} ties it together as a Declarative
 * Services component configured by {@link CoreSettings}.
 */
package org.drivermodel.core.impl;
