/**
 * The driver core's implementation: private to the core bundle.
 *
 * <p>One file per concept, after Linux {@code drivers/base}: {@link Registry} holds the
 * registries and the model lock, {@link Hotplug} is core.c's and bus.c's adding and removing of
 * devices, drivers, buses and classes, {@link Binder} is dd.c (matching, probe, the one cleanup,
 * manual and deferred binding), {@link Binding} is one binding, {@link DriverCall} the boundary
 * around driver code, {@link Usage} references, pins, management and the lifetime report,
 * {@link DeviceModel} wires them and is the {@link org.drivermodel.api.DriverCore} the
 * management side sees. {@link DeviceNode} is a device and its lock ({@link DeviceLock}),
 * {@link Subsystem} and {@link DriverEntry} are what the core keeps of a bus or class and of a
 * driver, {@link DeviceTable} a subsystem's devices by name,
 * {@link DeferredProbes} is the deferred-probe list, {@link SysfsLayout} lays the model out in
 * the attribute tree ({@code sysfs} package), {@link UeventQueue} posts uevents,
 * {@link BusTracker} and {@link DriverTracker} bring buses and drivers in from the OSGi service
 * registry, {@link DriverCoreComponent} ties it together as a Declarative Services component
 * configured by {@link CoreSettings}. The design: docs/design.md.
 */
package org.drivermodel.core.impl;
