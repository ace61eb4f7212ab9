package org.drivermodel.core.impl;

import java.util.function.Consumer;

import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceRef;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.lifetime.primitives.Ref;

/**
 * A {@link DeviceRef}: one tracked reference to a device node's {@link DeviceNode#refs}.
 *
 * <p>Concurrency: immutable but for the reference's own state, which {@link Ref} keeps
 * (its put is a CAS); any thread may use it.
 */
final class TrackedDeviceRef implements DeviceRef {
    private final DeviceNode node;
    private final Ref ref;
    private final Consumer<AutoCloseable> onClose; /* tells the holder's accounting that it was put */
    private volatile String usedBy; /* the last bundle other than its holder that used it: the driver handed it on */

    TrackedDeviceRef(DeviceNode node, Ref ref, Consumer<AutoCloseable> onClose) {
        this.node = node;
        this.ref = ref;
        this.onClose = onClose;
    }

    @Override
    public Device device() {
        String caller = Callers.bundle();
        if (caller != null && !ref.holder().equals(caller)) {
            usedBy = caller;
        }
        ref.check();
        return node;
    }

    /** @return the last bundle other than its holder that used it, or null */
    String usedBy() {
        return usedBy;
    }

    @Override
    public String path() {
        return node.path();
    }

    @Override
    public String holder() {
        return ref.holder();
    }

    @Override
    public boolean isValid() {
        try {
            ref.check();
            return true;
        } catch (DriverModelException e) {
            return false;
        }
    }

    /** @return true until put or reclaimed: whether the holder's accounting still owes it */
    boolean isHeld() {
        return ref.isHeld();
    }

    @Override
    public void close() {
        try {
            ref.put();
        } finally {
            onClose.accept(this);
        }
    }

    @Override
    public String toString() {
        String other = usedBy;
        return "reference to " + node.path() + " held by " + ref.holder() + (other == null ? "" : ", used by " + other);
    }
}
