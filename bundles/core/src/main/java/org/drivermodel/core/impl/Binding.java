package org.drivermodel.core.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.ManagedResources;

/**
 * One binding: a driver &times; a device &times; a generation (Linux has no such object; its
 * state is spread over {@code dev->driver}, {@code dev->devres_head}, {@code dev->p->...}). It
 * owns everything of the binding — its state, driver data, managed resources, disconnects,
 * attribute groups and usage pins — and it is the {@link BoundDevice} the driver receives: used
 * after the binding ended, every driver-only method fails with ENODEV naming the device and the
 * generation, and never reaches a later binding of the same device.
 *
 * <h2>Life</h2>
 * {@link State#PROBING} &rarr; {@link State#BOUND} &rarr; {@link State#UNBINDING} &rarr;
 * {@link State#UNBOUND}, or PROBING &rarr; UNBINDING &rarr; UNBOUND for a failed probe. The
 * {@link Binder} makes every transition, under the device lock, in two places only: the probe
 * ({@code Binder.probe}) and the one cleanup every cause shares ({@code Binder.end}).
 *
 * <h2>Ends asked for from outside the lock</h2>
 * A thread that cannot end the binding itself — a re-entrant call from inside the binding's own
 * probe, or a removal that gave up waiting for a device lock held by a stuck probe — asks for
 * the end with {@link #requestEnd}; the thread holding the device lock honours the request when
 * it {@linkplain #settle() settles} the binding (after the probe returns, or at the end of the
 * cleanup). A request after the settle fails, and the asker takes the device lock again instead:
 * so no request is ever lost between "the prober looked" and "the asker asked".
 *
 * <p>Concurrency: {@link #state} is written under the device lock and read without it;
 * {@link #request} moves by CAS; {@link #pins} and {@link #disconnects} are copy-on-write / CAS
 * (added under the device lock, removed by a pin's close from any thread); {@link #driverData}
 * is volatile, written by the driver; {@link #groups} is guarded by the device lock;
 * {@link #faults} by this object's monitor.
 */
final class Binding implements BoundDevice {
    /** Where a binding is in its life. */
    enum State {
        /** The driver's probe is running. */
        PROBING,
        /** Probed, its files visible: the device is bound. */
        BOUND,
        /** The one cleanup is running: files drained, disconnects, remove, resources. */
        UNBINDING,
        /** Over: every driver-only method gives ENODEV. */
        UNBOUND
    }

    /** Why a binding ends; every cause runs the same cleanup. */
    enum Cause {
        /** The probe failed (or its files could not be added): unwound, the next driver may try. */
        PROBE_FAILED,
        /** The probe succeeded but its files could not be added: unwound, remove runs. */
        FILES_FAILED,
        /** Unbound by hand (or by a re-entrant unbind from the driver's own callback). */
        UNBIND,
        /** The driver's service is going (its bundle stopping). */
        DRIVER_GONE,
        /**
         * The driver is gone and its removal gave up waiting for a probe stuck in driver code: when
         * the probe returns, the binding is unwound without calling the driver again.
         */
        ABANDONED,
        /** The device is being removed (unplug, bus stop, parent removal). */
        DEVICE_GONE
    }

    /** {@link #request} once the device-lock holder has settled the binding: later asks fail. */
    private static final Object SETTLED = new Object();
    /** {@link #disconnects} of a binding that has registered none yet: most never do. */
    private static final Object NO_DISCONNECTS = new Object();
    /** What {@link #resources} becomes when the cleanup takes it: released, so a late add releases at once. */
    private static final ManagedResources GONE = new ManagedResources("(a binding that has ended)");
    private static final VarHandle REQUEST;
    private static final VarHandle PINS;
    private static final VarHandle DISCONNECTS;
    private static final VarHandle RESOURCES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            REQUEST = l.findVarHandle(Binding.class, "request", Object.class);
            PINS = l.findVarHandle(Binding.class, "pins", List.class);
            DISCONNECTS = l.findVarHandle(Binding.class, "disconnects", Object.class);
            RESOURCES = l.findVarHandle(Binding.class, "resources", ManagedResources.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        GONE.releaseAll();
    }

    private final DeviceNode node;
    private volatile DriverEntry driver; /* written under the device lock: dropped when the binding is over, so a
                                            stale handle, a revoked pin or a report pins no driver's class loader */
    private final DriverEntry.Names names; /* the driver and its bundle, as reports name them, kept after the end */
    private final int generation;
    private final Binder binder;
    private volatile ManagedResources resources; /* CAS: made at the first use (most bindings of a bus with many devices
                                                    never use it), GONE once the cleanup took it */

    private volatile State state = State.PROBING; /* written under the device lock */
    private volatile Object request; /* CAS: null, a Cause asked for, or SETTLED */
    private volatile Object disconnects = NO_DISCONNECTS; /* CAS: NO_DISCONNECTS, a ManagedResources, or null once taken */
    private volatile List<BindingPin> pins = List.of(); /* copy-on-write by CAS */
    private volatile Object driverData; /* the driver's; dropped when the binding ends */
    private List<AttributeGroup<BoundDevice>> groups = List.of(); /* guarded by the device lock */
    private Set<String> faults; /* guarded by this; the faults reported once each, made at the first */

    Binding(DeviceNode node, DriverEntry driver, int generation, Binder binder) {
        this.node = node;
        this.driver = driver;
        this.names = driver.names();
        this.generation = generation;
        this.binder = binder;
    }

    DeviceNode node() {
        return node;
    }

    /**
     * @return the driver; while the binding is not over (callers hold the device lock, or run inside
     *         the binding's callbacks, which the cleanup drains first)
     */
    DriverEntry driverEntry() {
        DriverEntry d = driver;
        if (d == null) {
            throw ended("driver");
        }
        return d;
    }

    /** @return true if the binding is to that driver and not over; any thread, no lock needed */
    boolean isOf(DriverEntry d) {
        return driver == d;
    }

    /** @return the driver, or null once the binding is over; any thread, no lock needed */
    DriverEntry driverOrNull() {
        return driver;
    }

    /** @return the driver and its bundle, as reports name them; also after the end */
    String driverDescription() {
        return names.description();
    }

    /** @return the driver's bundle, as reports name it; also after the end */
    String driverBundle() {
        return names.bundle();
    }

    State bindingState() {
        return state;
    }

    /** Context: the device lock is held. Over (UNBOUND), the binding lets go of its driver. */
    void moveTo(State next) {
        assert node.isHeldByCurrentThread();
        state = next;
        if (next == State.UNBOUND) {
            driver = null;
        }
    }

    // ------------------------------------------------------------ ends asked for

    /**
     * Asks the device-lock holder to end this binding for {@code cause} when it settles it.
     * A device removal overrides any other cause asked for (the device must end up removed).
     *
     * @return true if the request will be honoured; false if the binding was settled already
     *         (the asker must take the device lock and look again)
     */
    boolean requestEnd(Cause cause) {
        for (;;) {
            Object now = request;
            if (now == SETTLED) {
                return false;
            }
            if (now != null && (now == Cause.DEVICE_GONE || cause != Cause.DEVICE_GONE)) {
                return true; // an end is asked for already, and it does what this one wants
            }
            if (REQUEST.compareAndSet(this, now, cause)) {
                return true;
            }
        }
    }

    /** @return the end asked for so far, without settling; null if none */
    Cause asked() {
        return request instanceof Cause c ? c : null;
    }

    /**
     * Settles the binding: from now on {@link #requestEnd} fails. Context: the device lock is
     * held, after the probe returned or at the end of the cleanup.
     *
     * @return the end asked for meanwhile, or null
     */
    Cause settle() {
        Object asked = REQUEST.getAndSet(this, SETTLED);
        return asked instanceof Cause c ? c : null;
    }

    // ------------------------------------------------------------ what the binding owns

    /**
     * Takes the binding's resources for the cleanup to release; a later {@link #resources()} gets a
     * released one, whose adds release at once. Context: the device lock is held, after remove.
     *
     * @return them, or null if none was ever asked for
     */
    ManagedResources takeResources() {
        ManagedResources r = (ManagedResources) RESOURCES.getAndSet(this, GONE);
        return r == GONE ? null : r;
    }

    /**
     * Takes the disconnects, for the cleanup to run them before remove; no disconnect can be
     * added afterwards. Context: the device lock is held.
     *
     * @return them, or null if none was added
     */
    ManagedResources takeDisconnects() {
        Object d = DISCONNECTS.getAndSet(this, null);
        return d instanceof ManagedResources m ? m : null;
    }

    /** Context: the device lock is held. */
    List<AttributeGroup<BoundDevice>> groups() {
        return groups;
    }

    /** Context: the device lock is held. */
    void setGroups(List<AttributeGroup<BoundDevice>> groups) {
        this.groups = groups;
    }

    /** Drops the driver's state. Context: the device lock is held, in the cleanup. */
    void clearDriverData() {
        driverData = null;
    }

    /** Adds a usage pin. Context: the device lock is held, the binding BOUND. */
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

    /** @return the pins, and forgets them (the binding is ending). Context: the device lock is held. */
    @SuppressWarnings("unchecked")
    List<BindingPin> takePins() {
        return (List<BindingPin>) PINS.getAndSet(this, List.of());
    }

    /** @return the pins now; a snapshot. Context: any thread. */
    List<BindingPin> pins() {
        return pins;
    }

    /** @return true the first time this fault is seen on this binding: report it then, once */
    synchronized boolean firstFault(String what) {
        if (faults == null) {
            faults = new HashSet<>(4);
        }
        return faults.add(what);
    }

    // ------------------------------------------------------------ BoundDevice

    @Override
    public Device device() {
        return node;
    }

    @Override
    public long generation() {
        return generation;
    }

    @Override
    public boolean isLive() {
        State s = state;
        return s == State.PROBING || s == State.BOUND;
    }

    /** @throws DriverModelException ENODEV once the binding is over (UNBOUND) */
    private void checkNotOver(String what) {
        if (state == State.UNBOUND) {
            throw ended(what);
        }
    }

    /** @return the ENODEV of a use of this binding after it ended, naming device, generation and driver */
    DriverModelException ended(String what) {
        String caller = Callers.bundle();
        return new DriverModelException(Errno.ENODEV, node.path(), what + ": binding " + generation + " (driver "
                + names.description() + ") has ended" + (node.state() == DeviceState.REMOVED ? " and the device was removed" : "")
                + (caller == null || caller.equals(names.bundle()) ? "" : "; used by " + caller + ", which was handed it"));
    }

    @Override
    public ManagedResources resources() {
        checkNotOver("managed resources");
        ManagedResources r = resources;
        if (r == null) {
            RESOURCES.compareAndSet(this, null, new ManagedResources(node.path()));
            r = resources;
        }
        return r;
    }

    @Override
    public void addDisconnect(String name, AutoCloseable disconnect) {
        if (!isLive()) {
            throw ended("disconnect " + name);
        }
        for (;;) {
            Object d = disconnects;
            if (d == null) {
                throw ended("disconnect " + name);
            }
            if (d instanceof ManagedResources m) {
                m.add(name, disconnect); // ENODEV if the cleanup has run them already
                return;
            }
            DISCONNECTS.compareAndSet(this, NO_DISCONNECTS, new ManagedResources(node.path() + " (disconnect)"));
        }
    }

    @Override
    public void addAttributes(AttributeGroup<BoundDevice> group) {
        binder.addAttributes(this, group);
    }

    @Override
    public void notifyChange(String file) {
        if (!isLive()) {
            throw ended("notify " + file); // a late timer: changes nothing, reaches no later binding's readers
        }
        binder.notifyChange(this, file);
    }

    @Override
    public void setDriverData(Object data) {
        checkNotOver("driver data");
        driverData = data;
    }

    @Override
    public <T> T driverData(Class<T> type) {
        Object data = driverData;
        checkNotOver("driver data");
        if (data == null) {
            throw new DriverModelException(Errno.ENODEV, node.path(), "no driver data stored by driver " + names.description());
        }
        if (!type.isInstance(data)) {
            throw new DriverModelException(Errno.EINVAL, node.path(),
                    "driver data is a " + data.getClass().getName() + ", not a " + type.getName());
        }
        return type.cast(data);
    }

    // ------------------------------------------------------------ Device, as the node answers

    @Override
    public String name() {
        return node.name();
    }

    @Override
    public String bus() {
        return node.bus();
    }

    @Override
    public Optional<String> deviceClass() {
        return node.deviceClass();
    }

    @Override
    public String path() {
        return node.path();
    }

    @Override
    public Map<String, String> properties() {
        return node.properties();
    }

    @Override
    public DeviceState state() {
        return node.state();
    }

    @Override
    public Optional<String> driver() {
        return node.driver();
    }

    @Override
    public Optional<Device> parent() {
        return node.parent();
    }

    @Override
    public Optional<String> driverOverride() {
        return node.driverOverride();
    }

    @Override
    public String toString() {
        return node.path() + " (binding " + generation + " of driver " + names.description() + ", " + state + ")";
    }
}
