package org.drivermodel.lifetime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The managed resources of one binding (Linux devres): whatever a driver acquires while bound
 * is registered here with its release action, and released in reverse order, exactly once,
 * when the binding ends (unbind or failed probe).
 *
 * <pre>
 * Irq irq = res.manage("irq", bus.requestIrq(dev), Irq::free);
 * try (ManagedResources.Group g = res.openGroup()) {   // a partial acquisition...
 *     res.manage("dma", dma.allocate(), Dma::free);
 *     if (!controller.init()) { g.rollback(); return; } // ...rolled back alone
 * }                                                     // close() keeps it
 * ...
 * List&lt;ReleaseFailure&gt; failures = res.releaseAll();  // core, at unbind
 * </pre>
 *
 * <p>Never manage here anything a holder outside the binding can still reach after unbind
 * (an object handed to an upper layer, a handle a user holds): it would be released under the
 * holder's feet, devres's classic use-after-free.
 *
 * <h2>Design</h2>
 *
 * <p>One list, guarded by a private lock, holds the resources and the markers of open groups in
 * order of addition; a group is its marker. Every release action runs after the lock is
 * dropped: {@link #releaseAll()} and {@link Group#rollback()} cut their part out of the list
 * under the lock, then release it outside, so a release may itself call back into this object
 * (adding then fails cleanly) and a slow release blocks nobody else. Once
 * {@code releaseAll()} has begun the binding is dead: {@link #add} releases what it is offered
 * at once and fails with {@code ENODEV}, so a late acquisition cannot leak.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class ManagedResources {

    private final String owner;
    private final List<Object> entries = new ArrayList<>();   /* guarded by lock (below): Resource and Group, in order of addition */
    private final Object lock = entries;                      /* the private lock: the list's monitor (no object of its own, per binding) */
    private ResourcesState state = ResourcesState.OPEN;       /* guarded by lock */

    /**
     * @param owner what the resources belong to, for errors (e.g. {@code "/devices/vbus0/x bound to vled"})
     */
    public ManagedResources(String owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /** @return the current state; a snapshot */
    public ResourcesState state() {
        synchronized (lock) {
            return state;
        }
    }

    /**
     * Registers a resource. Context: any thread; never blocks on a release.
     *
     * @param name    a name for reports
     * @param release how to release it; called at most once, from whatever thread releases
     * @throws DriverModelException {@code ENODEV} if the binding is already being released; the
     *         resource has then been released already (a failure doing so is suppressed in the
     *         exception)
     */
    public void add(String name, AutoCloseable release) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(release, "release");
        synchronized (lock) {
            if (state == ResourcesState.OPEN) {
                entries.add(new Resource(name, release));
                return;
            }
        }
        DriverModelException gone = new DriverModelException(Errno.ENODEV, owner,
                "binding is gone; \"" + name + "\" was released at once");
        try {
            release.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            gone.addSuppressed(e);
        }
        throw gone;
    }

    /**
     * Registers a resource and hands it back, for one-line acquisition.
     *
     * @param <T>      the resource's type
     * @param name     a name for reports
     * @param resource the resource; the caller keeps using it while the binding lives
     * @param release  how to release it; called at most once
     * @return {@code resource}
     * @throws DriverModelException {@code ENODEV} as for {@link #add}, after releasing it
     */
    public <T> T manage(String name, T resource, Consumer<? super T> release) {
        Objects.requireNonNull(release, "release");
        add(name, () -> release.accept(resource));
        return resource;
    }

    /**
     * Opens a group: everything added from now on until the group is closed can be rolled back
     * alone. Groups nest.
     *
     * @return the group; the caller owns it and should close it (commit) or roll it back
     * @throws DriverModelException {@code ENODEV} if the binding is already being released
     */
    public Group openGroup() {
        synchronized (lock) {
            if (state != ResourcesState.OPEN) {
                throw new DriverModelException(Errno.ENODEV, owner, "binding is gone");
            }
            Group g = new Group();
            entries.add(g);
            return g;
        }
    }

    /** @return true if no resource is registered (open groups do not count) */
    public boolean isEmpty() {
        synchronized (lock) {
            return entries.stream().noneMatch(Resource.class::isInstance);
        }
    }

    /** @return the names of the registered resources, in order of addition; a snapshot */
    public List<String> names() {
        synchronized (lock) {
            List<String> names = new ArrayList<>();
            for (Object e : entries) {
                if (e instanceof Resource r) {
                    names.add(r.name());
                }
            }
            return names;
        }
    }

    /**
     * Releases every resource in reverse order of addition, each exactly once, going on after a
     * failing release; from now on the binding is dead (see {@link #add}).
     *
     * <p>Context: calls the release actions in the calling thread, holding no lock. Of
     * concurrent callers exactly one releases; the others return an empty list at once (check
     * {@link #state()} if that matters). An {@code Error} such as {@code OutOfMemoryError}
     * thrown by a release is rethrown after all the others were released.
     *
     * @return the failures, in the order they happened; empty if all went well
     */
    public List<ReleaseFailure> releaseAll() {
        List<Object> taken;
        synchronized (lock) {
            if (state != ResourcesState.OPEN) {
                return List.of();
            }
            state = ResourcesState.RELEASING;
            taken = cut(0);
        }
        try {
            return releaseReversed(taken);
        } finally {
            synchronized (lock) {
                state = ResourcesState.RELEASED;
            }
        }
    }

    @Override
    public String toString() {
        return "ManagedResources[" + owner + ", " + state() + ", " + names() + "]";
    }

    /** Removes entries from index on; marks the groups among them discarded. Caller holds lock. */
    private List<Object> cut(int from) {
        List<Object> tail = entries.subList(from, entries.size());
        List<Object> taken = new ArrayList<>(tail);
        tail.clear();
        for (Object e : taken) {
            if (e instanceof Group g) {
                g.phase = GroupPhase.DISCARDED;
            }
        }
        return taken;
    }

    private static List<ReleaseFailure> releaseReversed(List<Object> taken) {
        List<ReleaseFailure> failures = new ArrayList<>();
        VirtualMachineError fatal = null;
        for (int i = taken.size() - 1; i >= 0; i--) {
            if (!(taken.get(i) instanceof Resource r)) {
                continue;
            }
            try {
                r.release().close();
            } catch (Throwable t) { // a release must not stop the ones after it
                failures.add(new ReleaseFailure(r.name(), t));
                if (t instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                } else if (t instanceof VirtualMachineError vme && fatal == null) {
                    fatal = vme;
                }
            }
        }
        if (fatal != null) {
            throw fatal;
        }
        return failures;
    }

    private record Resource(String name, AutoCloseable release) {
    }

    private enum GroupPhase { OPEN, COMMITTED, ROLLED_BACK, DISCARDED }

    /**
     * A mark in the resources of a binding: what was added after it can be rolled back alone
     * (devres groups). Closing commits: the resources stay with the binding. Closing or rolling
     * back a group that was already closed, rolled back, or swept away by the rollback of an
     * enclosing group or by {@code releaseAll()} does nothing.
     */
    public final class Group implements AutoCloseable {

        private GroupPhase phase = GroupPhase.OPEN; /* guarded by lock */

        private Group() {
        }

        /** Commits: keeps everything added since the group was opened. */
        @Override
        public void close() {
            synchronized (lock) {
                if (phase == GroupPhase.OPEN) {
                    entries.remove(indexOf(this));
                    phase = GroupPhase.COMMITTED;
                }
            }
        }

        /**
         * Releases, in reverse order, everything added since the group was opened (including
         * what nested groups kept), going on after failures; the resources added before stay.
         *
         * <p>Context: calls the release actions in the calling thread, holding no lock.
         *
         * @return the failures; empty if all went well or there was nothing to do
         */
        public List<ReleaseFailure> rollback() {
            List<Object> taken;
            synchronized (lock) {
                if (phase != GroupPhase.OPEN) {
                    return List.of();
                }
                taken = cut(indexOf(this));
                phase = GroupPhase.ROLLED_BACK;
            }
            return releaseReversed(taken);
        }

        private int indexOf(Group g) { // caller holds lock; an open group is always listed
            for (int i = entries.size() - 1; i >= 0; i--) {
                if (entries.get(i) == g) {
                    return i;
                }
            }
            throw new AssertionError("open group not listed");
        }

        @Override
        public String toString() {
            synchronized (lock) {
                return "Group[" + owner + ", " + phase + "]";
            }
        }
    }
}
