package org.drivermodel.core.impl;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.drivermodel.api.Device;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.api.UsagePin;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * A {@link UsagePin} on one binding of a device: held in its {@link Binding}'s pins from
 * {@link Usage#pin} until it is closed or the binding ends.
 *
 * <p>Concurrency: {@link #state} moves forward only, by CAS; a pin is added to and revoked from
 * its node under the device lock, so a pin is never added to a binding that already ended.
 */
final class BindingPin implements UsagePin {
    /** Lifecycle of a pin. */
    enum State {
        /** Pins its binding. */
        HELD,
        /** Its binding ended: {@link #device()} gives ENODEV. */
        REVOKED,
        /** Its holder let it go. */
        CLOSED
    }

    private final Binding binding;
    private final DeviceNode node;
    private final String driver;     /* bus/name: a pin keeps nothing of the driver itself, so a revoked pin held forever pins no class loader */
    private final String driverName;
    private final String holder;
    private final String reason;
    private final Consumer<AutoCloseable> onClose; /* tells the holder's accounting that it was closed */
    private final AtomicReference<State> state = new AtomicReference<>(State.HELD);

    BindingPin(Binding binding, String holder, String reason, Consumer<AutoCloseable> onClose) {
        DriverEntry driver = binding.driverEntry();
        this.binding = binding;
        this.node = binding.node();
        this.driver = driver.toString();
        this.driverName = driver.info().name();
        this.holder = holder;
        this.reason = reason;
        this.onClose = onClose;
    }

    @Override
    public Device device() {
        return switch (state.get()) {
            case HELD -> node;
            case REVOKED -> throw new DriverModelException(Errno.ENODEV, node.path(),
                    "pinned binding of driver " + driver + " ended");
            case CLOSED -> throw new DriverModelException(Errno.EINVAL, node.path(), "pin was closed");
        };
    }

    @Override
    public String path() {
        return node.path();
    }

    @Override
    public String driver() {
        return driverName;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public String holder() {
        return holder;
    }

    @Override
    public boolean isValid() {
        return state.get() == State.HELD;
    }

    /** Ends the pin because its binding ended. Context: the device lock is held. */
    boolean revoke() {
        return state.compareAndSet(State.HELD, State.REVOKED);
    }

    @Override
    public void close() {
        for (State s = state.get(); s != State.CLOSED; s = state.get()) {
            if (state.compareAndSet(s, State.CLOSED)) {
                binding.removePin(this);
                onClose.accept(this);
                return;
            }
        }
    }

    LifetimeReport.Pin describe() {
        return new LifetimeReport.Pin(node.path(), driverName, holder, reason);
    }

    @Override
    public String toString() {
        return "pin of " + holder + " on " + node.path() + " (" + reason + ")";
    }
}
