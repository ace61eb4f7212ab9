package org.drivermodel.core.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.ManagedResources;
import org.drivermodel.lifetime.Ref;
import org.drivermodel.lifetime.RefCounted;

/**
 * A device node: core-owned, held by anyone, pinning no driver.
 *
 * <p>Concurrency: {@link #lock} is the device lock (Linux {@code device_lock}). It serialises
 * binding and unbinding of this device and is held across the driver's {@code probe} and
 * {@code remove}; it is the only core lock held while driver code runs. While holding it the
 * model takes a {@link DriverEntry}'s monitor or the model lock briefly, never the other way
 * round. {@link #state}, {@link #driver}, {@link #resources} and {@link #override} are
 * written under it and volatile so that queries read them without it. {@link #children} is
 * guarded by the model lock. {@link #pins} is copy-on-write: added and taken under the device
 * lock, removed by a pin's close from any thread, read without a lock. {@link #refs} counts the tracked references to the node (its kobject count): the core holds
 * one while the device is registered, and removal revokes the rest and waits for them.
 */
final class DeviceNode implements Device {
    private final Subsystem bus;
    private final String name;
    private final String path;
    private final Map<String, String> properties;
    private final DeviceNode parent;

    /** The device lock: held across probe and remove of this device. */
    final ReentrantLock lock = new ReentrantLock();

    private volatile DeviceState state = DeviceState.UNBOUND; /* written under lock */
    private volatile DriverEntry driver; /* written under lock; set while PROBING, BOUND, UNBINDING */
    private volatile ManagedResources resources; /* written under lock; the binding's, while PROBING..UNBINDING */
    private volatile Object disconnects; /* CAS via DISCONNECTS: null outside a binding and once taken; NO_DISCONNECTS from
                                            setResources until the first addDisconnect makes the binding's ManagedResources */
    private volatile String override; /* written under lock; null: the bus matches */
    /* written under lock at unbind: the driver last bound, as text (no reference into its bundle) */
    private volatile String lastBinding;
    private volatile Object driverData; /* set by the driver during its binding; cleared under lock at unbind */
    private List<AttributeGroup<Device>> driverGroups = List.of(); /* guarded by lock; the bound driver's attributes */

    private List<DeviceNode> children = List.of(); /* guarded by the model lock; in add order; an ArrayList from the first child */

    /** The tracked references to this node; lives as long as the node object, pins no driver. */
    final RefCounted refs;
    private final Ref registered; /* the core's own reference while the device is registered */

    private static final VarHandle PINS;
    private static final VarHandle DISCONNECTS;
    /** {@link #disconnects} of a binding that has registered none yet: most never do. */
    private static final Object NO_DISCONNECTS = new Object();

    static {
        try {
            PINS = MethodHandles.lookup().findVarHandle(DeviceNode.class, "pins", List.class);
            DISCONNECTS = MethodHandles.lookup().findVarHandle(DeviceNode.class, "disconnects", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The usage pins on the current binding: copy-on-write (CAS via PINS), added and taken under
     *  the device lock, removed by a pin's close from any thread; most devices have none. */
    private volatile List<BindingPin> pins = List.of();

    DeviceNode(Subsystem bus, String name, Map<String, String> properties, DeviceNode parent) {
        this.bus = bus;
        this.name = name;
        this.parent = parent;
        this.path = (parent == null ? bus.path() : parent.path()) + "/" + name;
        this.properties = Map.copyOf(properties);
        this.refs = new RefCounted(path, () -> { });
        this.registered = refs.get(REGISTERED_HOLDER);
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

    /** Adds a pin on the current binding. Context: the device lock is held. */
    void addPin(BindingPin pin) {
        for (;;) {
            List<BindingPin> now = pins;
            List<BindingPin> next = new ArrayList<>(now.size() + 1);
            next.addAll(now);
            next.add(pin);
            if (PINS.compareAndSet(this, now, List.copyOf(next))) {
                return;
            }
        }
    }

    /** Removes a pin (closed by its holder). Context: any thread. */
    void removePin(BindingPin pin) {
        for (;;) {
            List<BindingPin> now = pins;
            if (!now.contains(pin)) {
                return;
            }
            List<BindingPin> next = new ArrayList<>(now);
            next.remove(pin);
            if (PINS.compareAndSet(this, now, List.copyOf(next))) {
                return;
            }
        }
    }

    /** @return the pins on the current binding, and forgets them (the binding is ending). Context: the device lock is held. */
    @SuppressWarnings("unchecked")
    List<BindingPin> takePins() {
        return (List<BindingPin>) PINS.getAndSet(this, List.of());
    }

    /** @return the pins on the current binding; a snapshot. Context: any thread. */
    List<BindingPin> pins() {
        return pins;
    }

    /** How reports name the core's own reference to a registered device (left out of them). */
    static final String REGISTERED_HOLDER = "driver core (registered)";

    /** Revokes every reference and drops the core's own: the start of the removal's wait. */
    void unregisterReferences() {
        refs.revoke();
        registered.put();
    }

    Subsystem subsystem() {
        return bus;
    }

    DriverEntry driverEntry() {
        return driver;
    }

    DeviceNode parentNode() {
        return parent;
    }

    /** Context: device lock held. */
    void setState(DeviceState state, DriverEntry driver) {
        assert lock.isHeldByCurrentThread();
        this.driver = driver;
        this.state = state;
    }

    /** Context: device lock held. */
    void setResources(ManagedResources resources) {
        assert lock.isHeldByCurrentThread();
        if (resources != null) {
            this.disconnects = NO_DISCONNECTS;
        }
        this.resources = resources;
    }

    /**
     * Takes the binding's disconnect actions, for the unbind to run them before remove.
     * Context: device lock held.
     *
     * @return them, or null if taken already or none was added
     */
    ManagedResources takeDisconnects() {
        assert lock.isHeldByCurrentThread();
        Object d = DISCONNECTS.getAndSet(this, null);
        return d instanceof ManagedResources m ? m : null;
    }

    /** Context: device lock held. */
    void setOverride(String override) {
        assert lock.isHeldByCurrentThread();
        this.override = override;
    }

    /** Context: device lock held. */
    List<AttributeGroup<Device>> driverGroups() {
        assert lock.isHeldByCurrentThread();
        return driverGroups;
    }

    /** Context: device lock held. */
    void setDriverGroups(List<AttributeGroup<Device>> groups) {
        assert lock.isHeldByCurrentThread();
        driverGroups = groups;
    }

    /** Drops the driver's state. Context: device lock held, at unbind or failed probe. */
    void clearDriverData() {
        assert lock.isHeldByCurrentThread();
        driverData = null;
    }

    /** Context: device lock held, at unbind. */
    void setLastBinding(String driver) {
        assert lock.isHeldByCurrentThread();
        lastBinding = driver;
    }

    /** @return the driver last unbound from this device, as reports name it; null if none */
    String lastBinding() {
        return lastBinding;
    }

    @Override
    public void addAttributes(AttributeGroup<Device> group) {
        bus.model().addAttributes(this, group);
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
        return bus.isBus() ? bus.name() : "";
    }

    @Override
    public Optional<String> deviceClass() {
        return bus.isBus() ? Optional.empty() : Optional.of(bus.name());
    }

    @Override
    public String path() {
        return path;
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
        DriverEntry d = driver;
        return d == null || state != DeviceState.BOUND ? Optional.empty() : Optional.of(d.info().name());
    }

    @Override
    public Optional<Device> parent() {
        return Optional.ofNullable(parent);
    }

    /** @return whether a driver is being probed or bound: its managed resources are open */
    boolean hasBinding() {
        return resources != null;
    }

    @Override
    public ManagedResources resources() {
        ManagedResources r = resources;
        if (r == null) {
            throw new DriverModelException(Errno.ENODEV, path, "no driver is bound");
        }
        return r;
    }

    @Override
    public void addDisconnect(String name, AutoCloseable disconnect) {
        resources(); // ENODEV outside a binding
        for (;;) {
            Object d = disconnects;
            if (d == null) {
                throw new DriverModelException(Errno.ENODEV, path, "the binding is ending");
            }
            if (d instanceof ManagedResources m) {
                m.add(name, disconnect); // ENODEV if the unbind has run them already
                return;
            }
            DISCONNECTS.compareAndSet(this, NO_DISCONNECTS, new ManagedResources(path + " (disconnect)"));
        }
    }

    @Override
    public void setDriverData(Object data) {
        resources(); // ENODEV outside a binding
        driverData = data;
    }

    @Override
    public <T> T driverData(Class<T> type) {
        Object data = driverData;
        if (data == null || resources == null) {
            throw new DriverModelException(Errno.ENODEV, path, "no driver data: no driver is bound");
        }
        if (!type.isInstance(data)) {
            throw new DriverModelException(Errno.EINVAL, path,
                    "driver data is a " + data.getClass().getName() + ", not a " + type.getName());
        }
        return type.cast(data);
    }

    @Override
    public Optional<String> driverOverride() {
        return Optional.ofNullable(override);
    }

    @Override
    public String toString() {
        return path;
    }
}
