package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.AttributeValues;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.core.impl.sysfs.AttributeTree;
import org.drivermodel.core.impl.sysfs.RemovalReport;
import org.drivermodel.core.impl.sysfs.TreeDirectory;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The driver model's layout of the attribute tree, as Linux lays out sysfs:
 *
 * <pre>
 * /devices/&lt;bus&gt;/&lt;dev&gt;[/&lt;child&gt;...]     a device: driver_override, uevent, its bus's and its driver's attributes,
 *                                       and a link "driver" while bound
 * /bus/&lt;bus&gt;/drivers_autoprobe          1 or 0
 * /bus/&lt;bus&gt;/devices/&lt;dev&gt;              a link to the device (a link directory: the devices in
 *                                       /devices/&lt;bus&gt; are found there, not kept)
 * /bus/&lt;bus&gt;/drivers/&lt;drv&gt;/bind, unbind  write a device name to bind or unbind it
 * /class/&lt;class&gt;/&lt;dev&gt;                  a link to a class device (under its parent, or
 *                                       /devices/virtual/&lt;class&gt;/&lt;dev&gt; without one)
 * </pre>
 *
 * <p>Concurrency: creating nodes calls no owner code, so the model may call the create
 * methods under its own locks. Removing nodes drains the callbacks in flight, which may call
 * back into the model: the model calls the remove methods with no model lock held (a device
 * lock may be held: a driver's attributes are removed under it, before its {@code remove},
 * as Linux removes {@code dev_groups} under {@code device_lock}).
 */
final class SysfsLayout {
    private final AttributeTree tree;
    private final Supplier<Duration> drainDeadline;
    private final LeakHistory leaks;
    private final AttributeGroup<Device> coreDeviceAttributes; /* one group for all devices (it holds no device), shared
                                                                   files of each device's directory */

    SysfsLayout(AttributeTree tree, Supplier<Duration> drainDeadline, LeakHistory leaks, DriverCore core, UeventSink uevents) {
        this.tree = tree;
        this.drainDeadline = drainDeadline;
        this.leaks = leaks;
        this.coreDeviceAttributes = AttributeGroup.of(Attribute.<Device>rw("driver_override",
                d -> d.driverOverride().orElse("(null)") + "\n",
                (d, value, ctx) -> core.setDriverOverride(d.path(), value)),
                UeventFile.attribute(uevents));
        for (String root : List.of("/devices", "/devices/virtual", "/bus", "/class")) {
            tree.createDirectory(root);
            tree.activate(root);
        }
    }

    AttributeTree tree() {
        return tree;
    }

    // ------------------------------------------------------------ buses

    /** Context: the model lock may be held. */
    void busAttached(Subsystem bus, DriverCore core) {
        String dir = "/bus/" + bus.name();
        TreeDirectory devices = tree.createDirectory(bus.path());
        tree.createDirectory(dir);
        TreeDirectory links = tree.createLinkDirectory(bus.linkDir(), devices);
        tree.createDirectory(dir + "/drivers");
        tree.addGroups(dir, bus, List.of(AttributeGroup.of(Attribute.<Subsystem>rw("drivers_autoprobe",
                b -> (b.autoprobe ? "1" : "0") + "\n",
                (b, value, ctx) -> core.setAutoprobe(b.name(), AttributeValues.parseBoolean(value, ctx.path()))))));
        tree.activate(bus.path());
        tree.activate(dir);
        bus.laidOut(devices, links);
    }

    /** Removes a bus's or class's directories. Context: no model lock held. */
    void subsystemRemoved(Subsystem subsystem) {
        removeQuietly(subsystem.isBus() ? "/bus/" + subsystem.name() : subsystem.linkDir());
        removeQuietly(subsystem.path());
    }

    // ------------------------------------------------------------ classes

    /** Context: the model lock may be held. */
    void classRegistered(Subsystem cls) {
        TreeDirectory devices = tree.createDirectory(cls.path());
        TreeDirectory links = tree.createLinkDirectory(cls.linkDir(), devices);
        tree.activate(links);
        tree.activate(devices);
        cls.laidOut(devices, links);
    }


    // ------------------------------------------------------------ drivers

    /** Context: the model lock may be held; the driver's bus is attached. */
    void driverAdded(DriverEntry driver, DriverCore core) {
        String dir = driver.path();
        String bus = driver.info().bus();
        String name = driver.info().name();
        TreeDirectory directory = tree.createDirectory(dir);
        tree.addGroups(directory, driver, List.of(AttributeGroup.of(
                Attribute.<DriverEntry>wo("bind",
                        (d, value, ctx) -> core.bind(bus, name, AttributeValues.stripNewline(value, ctx.path()))),
                Attribute.<DriverEntry>wo("unbind",
                        (d, value, ctx) -> core.unbind(bus, name, AttributeValues.stripNewline(value, ctx.path()))))));
        tree.activate(directory);
        driver.laidOut(directory);
    }

    /** Context: no model lock held. */
    void driverRemoved(DriverEntry driver) {
        removeQuietly(driver.path());
    }

    // ------------------------------------------------------------ devices

    /**
     * Creates a device's directory with the core's and its bus's attributes, and its link
     * under its bus, all visible at once. It works on the directories' handles, as Linux's
     * {@code device_add} works on {@code kobj->sd}: no path is looked up or made (issue #19).
     * The link is the directory's place in its subsystem's link directory, not a node.
     * Context: the model lock is held; the device's parent (device or subsystem) is laid out.
     */
    void deviceAdded(DeviceNode node, List<AttributeGroup<Device>> busGroups) {
        DeviceNode parent = node.parentNode();
        TreeDirectory in = parent == null ? node.subsystem().directory() : parent.directory();
        // the core's files (driver_override, uevent) and the subsystem's unnamed groups are the
        // directory's shared files: no node per device until one is opened (docs/design.md §8)
        DeviceFiles files = node.subsystem().deviceFiles(coreDeviceAttributes, busGroups);
        TreeDirectory dir = tree.createDirectory(in, node.name(), files.kind(), (Device) node);
        try {
            tree.addGroups(dir, (Device) node, files.named());
            tree.link(node.subsystem().links(), dir);
        } catch (DriverModelException e) {
            tree.remove(dir, drainDeadline.get());
            throw e;
        }
        tree.activate(dir);
        node.laidOut(dir);
    }

    /**
     * Removes a device's directory with everything in it (the bus's and the bound driver's
     * attributes, drained, and the driver link) and the links to it, so the unbind that follows
     * has nothing left to remove. Context: no lock held.
     */
    void deviceRemoved(DeviceNode node, DriverEntry driver) {
        quietly(() -> tree.remove(node.directory(), drainDeadline.get()), driver);
    }

    /**
     * Breaks the calls this thread is inside on the device's files (a store that removes or
     * unbinds its own device), so the removal of those files does not wait for itself.
     */
    void breakOwnCalls(DeviceNode node) {
        TreeDirectory dir = node.directory();
        if (dir != null) {
            tree.breakOwnCalls(dir);
        }
    }

    /**
     * Adds a newly bound driver's attributes and points the device's "driver" link at the
     * driver's directory (the slot of its directory's kind, {@link DeviceFiles#DRIVER_LINK}),
     * all visible at once. Context: the device lock is held.
     */
    void driverBound(DeviceNode node, Binding binding, List<AttributeGroup<BoundDevice>> groups) {
        TreeDirectory dir = node.directory();
        tree.addGroups(dir, (BoundDevice) binding, groups);
        try {
            tree.activate(dir, binding.driverEntry().directory());
        } catch (DriverModelException e) {
            if (!groups.isEmpty()) {
                quietly(() -> tree.removeGroups(dir, groups, drainDeadline.get()), binding.driverEntry());
            }
            throw e;
        }
    }

    /**
     * Clears the device's "driver" link, then removes the driver's attributes from the device,
     * draining their callbacks, before its {@code remove} runs. Context: the device lock is held.
     */
    void driverUnbinding(DeviceNode node, Binding binding, List<AttributeGroup<BoundDevice>> groups) {
        TreeDirectory dir = node.directory();
        tree.clearLink(dir); // first, as Linux's driver_sysfs_remove: no reader sees the link without the driver's files
        if (!groups.isEmpty()) {
            quietly(() -> tree.removeGroups(dir, groups, drainDeadline.get()), binding.driverEntry());
        }
    }

    /**
     * Adds attribute groups a driver registers for its binding ({@code Device.addAttributes});
     * visible at once unless {@code activate} is false (during probe: they appear with the binding).
     * Context: no model lock needed; the device lock may be held.
     */
    void attributesAdded(DeviceNode node, Binding binding, List<AttributeGroup<BoundDevice>> groups, boolean activate) {
        tree.addGroups(node.directory(), (BoundDevice) binding, groups);
        if (activate) {
            tree.activate(node.directory());
        }
    }

    /** Removes them, draining their callbacks. Context: the device lock may be held; no model lock. */
    void attributesRemoved(DeviceNode node, Binding binding, List<AttributeGroup<BoundDevice>> groups) {
        quietly(() -> tree.removeGroups(node.directory(), groups, drainDeadline.get()), binding.driverEntry());
    }

    private void removeQuietly(String path) {
        quietly(() -> tree.remove(path, drainDeadline.get()), null);
    }

    /**
     * Runs a removal; ENOENT means it went with its parent already. A drain past its deadline is
     * logged, naming the driver whose files they were, if any.
     */
    private void quietly(Supplier<RemovalReport> removal, DriverEntry driver) {
        try {
            report(removal.get(), driver);
        } catch (DriverModelException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
    }

    /** A removal that did not drain is a leak: the threads still inside driver code are named. */
    private void report(RemovalReport r, DriverEntry driver) {
        if (!r.drained()) {
            List<String> threads = r.undrained().stream().flatMap(d -> d.occupants().stream())
                    .map(o -> o.thread().getName()).distinct().toList();
            leaks.record(Leak.Kind.DRAIN, r.path(), threads,
                    (driver == null ? "" : "files of driver " + driver.description() + ": ") + r);
        }
    }
}
