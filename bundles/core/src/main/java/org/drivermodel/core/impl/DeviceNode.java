package org.drivermodel.core.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.core.impl.sysfs.TreeDirectory;
import org.drivermodel.lifetime.primitives.RefCounted;

/**
 * A device node: core-owned, held by anyone, pinning no driver. It is data: the node knows its
 * place in the tree, its current {@link Binding} (if any) and its references, and calls nothing.
 * Everything a driver may do with the device goes through the binding, never through the node.
 *
 * <p>Concurrency: the node is its own device lock ({@link DeviceLock}, Linux {@code device_lock}). It serialises
 * binding and unbinding of this device and is held across the driver's {@code probe} and
 * {@code remove}; device locks are the only core locks held while driver code runs (a device
 * probed from its parent's probe runs under both; lock order: docs/design.md §3). {@link #state}, {@link #binding}, {@link #override} and {@link #lastBinding}
 * are written under it and volatile so that queries read them without it. {@link #children} is
 * guarded by the model lock ({@link Registry#lock}). {@link #refs} counts the tracked
 * references to the node (its kobject count): the core holds one while the device is
 * registered, the count's initial one ({@code kref_init}: no object for it), and removal
 * revokes the rest and waits for them.
 */
final class DeviceNode extends DeviceLock implements Device, Supplier<String> {
    private final Subsystem subsystem;
    private final String name;
    final int nameHash; /* name.hashCode(), for its subsystem's DeviceTable */
    private final Map<String, String> properties;
    private final DeviceNode parent;

    private volatile DeviceState state = DeviceState.UNBOUND; /* written under lock */
    private volatile Binding binding; /* written under lock; the current binding, PROBING to UNBINDING; else null */
    private volatile String override; /* written under lock; null: the bus matches */
    private volatile String lastBinding; /* written under lock at unbind: the driver last bound, as text */
    private int generations; /* guarded by lock; bindings made so far */

    private List<DeviceNode> children = List.of(); /* guarded by the model lock; in add order; an ArrayList from the first child */
    private volatile TreeDirectory directory; /* written once under the model lock, before the device is listed: its directory
                                                 in the attribute tree (Linux kobj->sd); volatile, as a driver may hand its
                                                 device to a thread of its own by a racy field and add files from there */

    DriverEntry claimedBy; /* under the device lock, and the monitor of the claiming driver: the driver that claimed it */
    DeviceNode claimPrev;  /* the same: its neighbours in that driver's list of claimed devices (DriverEntry#claim) */
    DeviceNode claimNext;  /* the same */

    DeviceNode tableNext;  /* guarded by the model lock: the next in its chain of its subsystem's DeviceTable */
    DeviceNode addedPrev;  /* the same: its neighbours in the subsystem's add order */
    DeviceNode addedNext;  /* the same */

    /** The tracked references to this node, with the core's own while it is registered (the initial one); lives as long as the node object, pins no driver. */
    final RefCounted refs;

    DeviceNode(Subsystem subsystem, String name, Map<String, String> properties, DeviceNode parent) {
        this.subsystem = subsystem;
        this.name = name;
        this.nameHash = name.hashCode();
        this.parent = parent;
        this.properties = Map.copyOf(properties);
        this.refs = RefCounted.init(this, null, () -> { }); // named by get(): its path, made when shown
    }

    /** Adds a child. Context: the model lock is held. */
    void addChild(DeviceNode child) {
        if (children.isEmpty()) {
            children = new ArrayList<>(2);
        }
        children.add(child);
    }

    /** Removes a child. Context: the model lock is held. */
    void removeChild(DeviceNode child) {
        children.remove(child);
    }

    /** @return the children in add order; a snapshot. Context: the model lock is held. */
    List<DeviceNode> children() {
        return List.copyOf(children);
    }

    /** @return the children in add order; a view, not to keep. Context: the model lock is held. */
    List<DeviceNode> childrenLocked() {
        return children;
    }

    /** @return true if this is {@code ancestor} or lies under it in the device tree */
    boolean isWithin(DeviceNode ancestor) {
        for (DeviceNode n = this; n != null; n = n.parent) {
            if (n == ancestor) {
                return true;
            }
        }
        return false;
    }

    /** Revokes every reference and drops the core's own: the start of the removal's wait. */
    void unregisterReferences() {
        refs.revoke();
        refs.putInitial();
    }

    Subsystem subsystem() {
        return subsystem;
    }

    DeviceNode parentNode() {
        return parent;
    }

    /** @return the current binding (probing, bound or unbinding), or null */
    Binding binding() {
        return binding;
    }

    /** @return the generation the next binding gets. Context: device lock held. */
    int nextGeneration() {
        assert isHeldByCurrentThread();
        return ++generations;
    }

    /** Context: device lock held. */
    void setState(DeviceState state, Binding binding) {
        assert isHeldByCurrentThread();
        this.binding = binding;
        this.state = state;
    }

    /** Context: device lock held. */
    void setOverride(String override) {
        assert isHeldByCurrentThread();
        this.override = override;
    }

    /** Context: device lock held, at unbind. */
    void setLastBinding(String driver) {
        assert isHeldByCurrentThread();
        lastBinding = driver;
    }

    /** @return the driver last unbound from this device, as reports name it; null if none */
    String lastBinding() {
        return lastBinding;
    }

    String override() {
        return override;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String bus() {
        return subsystem.isBus() ? subsystem.name() : "";
    }

    @Override
    public Optional<String> deviceClass() {
        return subsystem.isBus() ? Optional.empty() : Optional.of(subsystem.name());
    }

    /**
     * @return its path, made on each call from its parent's or its subsystem's (as Linux's
     *         {@code kobject_get_path}): 100k devices keep no path strings (docs/design.md §8)
     */
    @Override
    public String path() {
        return (parent == null ? subsystem.path() : parent.path()) + "/" + name;
    }

    /** @return its path: the name of its references ({@link #refs}), made only when a report shows it */
    @Override
    public String get() {
        return path();
    }

    /** Context: the model lock is held, before the device is listed. */
    void laidOut(TreeDirectory directory) {
        this.directory = directory;
    }

    /** @return its directory in the attribute tree; null until laid out */
    TreeDirectory directory() {
        return directory;
    }

    @Override
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public DeviceState state() {
        return state;
    }

    @Override
    public Optional<String> driver() {
        Binding b = binding;
        return b == null || state != DeviceState.BOUND ? Optional.empty() : Optional.of(b.driverEntry().info().name());
    }

    @Override
    public Optional<Device> parent() {
        return Optional.ofNullable(parent);
    }

    @Override
    public Optional<String> driverOverride() {
        return Optional.ofNullable(override);
    }

    @Override
    public String toString() {
        return path();
    }
}
