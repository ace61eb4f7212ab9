package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.core.impl.sysfs.TreeDirectory;

/**
 * What the core keeps of a registered driver: its description, its service object, and the
 * devices it has claimed (bound, or being probed).
 *
 * <p>Concurrency: the monitor of this object guards {@link #state}, the claimed devices' list and
 * {@link #unprotected}. A
 * binder claims a device under the device lock <em>before</em> probing it and the remover
 * marks the driver dying and snapshots the claims under this monitor; so every device the
 * driver may be bound to is in the snapshot, and the remover, taking each device lock in
 * turn, waits out a probe in progress and then unbinds it; a probe stuck past the drain
 * deadline is asked to end its binding when it returns instead ({@link Hotplug}). A store of the
 * driver that ended its own binding (unplugged or unbound its device) was let out of its file's
 * drain, so no unbind waits for it: {@link #unprotected} counts such calls per thread, and the
 * remover waits for them too ({@link #awaitUnprotectedCalls}), on the monitor, bounded. The
 * monitor is never held while calling anything.
 */
final class DriverEntry {
    /** Lifecycle of a driver registration. */
    enum State {
        /** Registered: may claim devices. */
        LIVE,
        /** Its service is unregistering: claims are refused, bound devices are being unbound. */
        DYING
    }

    private final DriverInfo info;
    private final Driver driver;
    private final Names names; // made once (at registration): reports name the driver and its bundle by it

    private State state = State.LIVE; /* guarded by this */
    private volatile TreeDirectory directory; /* written under the model lock as its bus lays it out (again after the bus came back) */
    private DeviceNode firstClaimed; /* guarded by this; the devices claimed, in claim order: a list through
                                        DeviceNode.claimNext/claimPrev (Linux's klist of a driver's devices), so a
                                        claim allocates nothing and no table grows with the devices (issue #19) */
    private DeviceNode lastClaimed;  /* guarded by this */
    private int claimedCount;        /* guarded by this */
    private volatile boolean listed; /* set once its registration has bound the devices waiting for it: shown in DriverCore.drivers() */
    private final java.util.concurrent.atomic.AtomicBoolean matchFault = new java.util.concurrent.atomic.AtomicBoolean(); /* its match data failed once: reported */
    private final java.util.concurrent.atomic.AtomicInteger leaving = new java.util.concurrent.atomic.AtomicInteger(); /* management commands taking its bundle away now: pins are refused while positive */
    private final Map<Thread, Integer> unprotected = new HashMap<>(); /* guarded by this: threads in its stores let out of their drain, how deep */

    /**
     * @param bundle how reports name the driver's bundle, e.g. {@code bundle 12 (org.example.driver)}
     */
    DriverEntry(DriverInfo info, Driver driver, String bundle) {
        this.info = info;
        this.driver = driver;
        this.names = new Names(info.bus() + "/" + info.name() + " (" + bundle + ")", bundle);
    }

    /** @return the driver's bundle, as reports name it */
    String bundle() {
        return names.bundle();
    }

    /** @return the driver and its bundle, as reports name them */
    String description() {
        return names.description();
    }

    /** @return both names, as one object a binding keeps past its end (no reference to the driver) */
    Names names() {
        return names;
    }

    /**
     * How reports name a driver.
     *
     * @param description {@code bus/name (bundle N (bsn))}
     * @param bundle      {@code bundle N (bsn)}
     */
    record Names(String description, String bundle) {
    }

    /** A store of this driver on {@code t} was let out of its file's drain, and still runs. */
    synchronized void unprotectedCallStarted(Thread t) {
        unprotected.merge(t, 1, Integer::sum);
    }

    /** That store returned. */
    synchronized void unprotectedCallEnded(Thread t) {
        unprotected.computeIfPresent(t, (k, n) -> n == 1 ? null : n - 1);
        notifyAll();
    }

    /**
     * Waits until no other thread than the current one runs a store of this driver that was let
     * out of its drain (the current thread's own is the one stopping it: it cannot wait for
     * itself). Context: the driver's removal, no lock held.
     *
     * @return the names of the threads still in one at the deadline
     */
    synchronized List<String> awaitUnprotectedCalls(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        Thread self = Thread.currentThread();
        for (;;) {
            List<String> others = unprotected.keySet().stream().filter(t -> t != self).map(Thread::getName).toList();
            long left = end - System.nanoTime();
            if (others.isEmpty() || left <= 0) {
                return others;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return others;
            }
        }
    }

    DriverInfo info() {
        return info;
    }

    Driver driver() {
        return driver;
    }

    /**
     * Claims a device before probing it. Context: the device lock is held.
     *
     * @return false if the driver is dying
     */
    synchronized boolean claim(DeviceNode device) {
        if (state != State.LIVE) {
            return false;
        }
        if (device.claimedBy == this) {
            return true;
        }
        if (device.claimedBy != null) { // a core bug: the device lock lets one driver claim at a time
            throw new IllegalStateException(device + " is claimed by driver " + device.claimedBy + ", not " + this);
        }
        device.claimedBy = this;
        device.claimPrev = lastClaimed;
        device.claimNext = null;
        if (lastClaimed == null) {
            firstClaimed = device;
        } else {
            lastClaimed.claimNext = device;
        }
        lastClaimed = device;
        claimedCount++;
        return true;
    }

    /** Drops a claim after a failed probe or an unbind; none held: nothing. Context: the device lock is held. */
    synchronized void unclaim(DeviceNode device) {
        if (device.claimedBy != this) {
            return;
        }
        if (device.claimPrev == null) {
            firstClaimed = device.claimNext;
        } else {
            device.claimPrev.claimNext = device.claimNext;
        }
        if (device.claimNext == null) {
            lastClaimed = device.claimPrev;
        } else {
            device.claimNext.claimPrev = device.claimPrev;
        }
        device.claimPrev = null;
        device.claimNext = null;
        device.claimedBy = null;
        claimedCount--;
    }

    /** @return the devices claimed, in claim order; a copy. Context: this monitor held */
    private List<DeviceNode> claimedLocked() {
        List<DeviceNode> out = new ArrayList<>(claimedCount);
        for (DeviceNode d = firstClaimed; d != null; d = d.claimNext) {
            out.add(d);
        }
        return out;
    }

    /**
     * Marks the driver dying: no claim succeeds from now on.
     *
     * @return the devices claimed at that moment, in claim order
     */
    synchronized List<DeviceNode> kill() {
        state = State.DYING;
        return claimedLocked();
    }

    /** @return the devices claimed now, in claim order */
    synchronized List<DeviceNode> claimed() {
        return claimedLocked();
    }

    /** @return true the first time its match data fails: report it then, once */
    boolean firstMatchFault() {
        return matchFault.compareAndSet(false, true);
    }

    /** @return the class loader of the driver's class (to find its frames on a stack), or null */
    ClassLoader loader() {
        try {
            return driver.getClass().getClassLoader();
        } catch (Throwable t) { // a proxy whose getClass fails
            return null;
        }
    }

    /** @return true if it prefers asynchronous probing ({@link org.drivermodel.api.DriverBinding#asyncProbe()}) */
    boolean asyncProbe() {
        Object v = info.properties().get(org.drivermodel.api.DriverBinding.ASYNC_PROBE);
        return Boolean.TRUE.equals(v) || "true".equals(v);
    }

    /** @return its directory in the attribute tree */
    String path() {
        return "/bus/" + info.bus() + "/drivers/" + info.name();
    }

    /** Its directory was laid out (again, when its bus came back). Context: the model lock is held. */
    void laidOut(TreeDirectory directory) {
        this.directory = directory;
    }

    /** @return its directory as last laid out; null before */
    TreeDirectory directory() {
        return directory;
    }

    /** Its registration has bound the devices that were waiting for it. */
    void attached() {
        listed = true;
    }

    /** @return true once attached: what DriverCore.drivers() shows */
    boolean listed() {
        return listed;
    }

    /** @return true while a management command is taking its bundle away */
    boolean leaving() {
        return leaving.get() > 0;
    }

    /** A management command starts taking its bundle away. */
    void leave() {
        leaving.incrementAndGet();
    }

    /** That command is done (or refused). */
    void stay() {
        leaving.decrementAndGet();
    }

    @Override
    public String toString() {
        return info.bus() + "/" + info.name();
    }
}
