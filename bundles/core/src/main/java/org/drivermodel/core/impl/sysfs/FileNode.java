package org.drivermodel.core.impl.sysfs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.drivermodel.api.Attribute;
import org.drivermodel.lifetime.primitives.ActiveGate;
import org.drivermodel.lifetime.primitives.GateState;

/**
 * An attribute file (kernfs {@code KERNFS_FILE}) with the two counters of kernfs: the node
 * object itself, which any handle may keep alive, and its {@link #gate()}, the active reference
 * that counts callers inside the owner's callbacks.
 *
 * <p>Concurrency: {@link #attribute} and {@link #owner} are the only path from the tree to the
 * owner. They are written once at creation (before the node is published under the tree lock)
 * and cleared by the removal after the gate is killed and drained; a caller reads them only
 * after entering the gate, so a caller that got in always finds them. {@link #handles()} is a
 * concurrent set: opens add to it under the tree lock (read), so that a removal, which claims
 * the node under the tree lock (write), afterwards finds every handle ever opened that has not
 * been released.
 *
 * <p>Change notification ({@link #notifyChange}, {@link #awaitChange}) lives in the same
 * {@link Opened} part, guarded by its monitor: the owner's notify and a removal's wake take that
 * monitor only briefly and never call out while holding it, so a notify from inside a show or
 * store cannot deadlock, and a show that blocks delays no other file's notification.
 *
 * <p>Most files of most devices are never opened, so the gate, the handle set and the
 * self-removal claim are made at the first open, by CAS ({@link Opened}); a removal that
 * claimed a file never opened has nobody to drain. A file never opened costs this node only,
 * 48 bytes (the memory per device node, docs/design.md §8).
 */
final class FileNode extends Node {

    private static final VarHandle OPENED;

    static {
        try {
            OPENED = MethodHandles.lookup().findVarHandle(FileNode.class, "opened", Opened.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int mode;                                // kept here so EACCES needs no owner reference
    private volatile Attribute<Object> attribute;  /* set before publication; cleared by the removal after the drain */
    private volatile Object owner;                 /* as attribute */
    private volatile Opened opened;                /* null until the first open, then fixed (CAS via OPENED) */
    private LinkNode incoming;                     /* guarded by tree lock; first of the links targeting this file (Node#firstIncoming) */

    @Override
    LinkNode firstIncoming() {
        return incoming;
    }

    @Override
    void firstIncoming(LinkNode first) {
        incoming = first;
    }

    /**
     * What a file needs once opened: its active reference, its handles, its self-removal claim,
     * and its change notification (kernfs {@code kernfs_open_node}'s {@code event} and
     * {@code poll} wait queue): a counter of the owner's notifications and the number of handles
     * waiting for the next, both guarded by this object's monitor, on which the waiters wait. A
     * file never opened has none of it: its notifications cost a null check, as nobody can see
     * them (a handle opened later starts from the counter as it is then).
     */
    private static final class Opened {
        final ActiveGate gate;                                      // named by the path, so ENODEV names the file
        final Set<OpenFile> handles = ConcurrentHashMap.newKeySet(); // open, not yet released handles
        volatile SelfRemoval selfRemoval;                           /* CAS via SELF_REMOVAL: set by the winning removeSelf */
        volatile int event;                                         /* written under this monitor: notifications so far */
        int waiting;                                                /* guarded by this monitor: handles in awaitChange */

        Opened(String path) {
            gate = new ActiveGate(path);
        }

        private static final VarHandle SELF_REMOVAL;

        static {
            try {
                SELF_REMOVAL = MethodHandles.lookup().findVarHandle(Opened.class, "selfRemoval", SelfRemoval.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    <O> FileNode(String name, DirNode parent, Attribute<O> attribute, O owner) {
        super(name, parent);
        this.mode = attribute.mode();
        this.attribute = (Attribute<Object>) attribute;
        this.owner = owner;
    }

    /**
     * @return what the file calls, or null once the removal let go of it (only after the drain:
     *         a caller inside the gate always gets it)
     */
    Binding binding() {
        Attribute<Object> a = attribute;
        Object o = owner;
        return a == null || o == null ? null : new Binding(a, o, a.callbackLoader());
    }

    /** @return the class loader of the callbacks (for drain reports), or null once let go of */
    ClassLoader loader() {
        Attribute<Object> a = attribute;
        return a == null ? null : a.callbackLoader();
    }

    /** Lets go of the owner and its code. Context: the removal, after the drain. */
    void clearBinding() {
        attribute = null;
        owner = null;
    }

    /** @return the file's active reference. Context: after an open ({@link #everOpened()}). */
    ActiveGate gate() {
        return opened.gate;
    }

    /** Records an open handle, making what an open file needs at the first. Context: tree lock held (read or write). */
    void addHandle(OpenFile h) {
        Opened o = opened;
        if (o == null) {
            Opened fresh = new Opened(path());
            o = OPENED.compareAndSet(this, null, fresh) ? fresh : opened;
        }
        o.handles.add(h);
    }

    /** Forgets a released handle. */
    void removeHandle(OpenFile h) {
        Opened o = opened;
        if (o != null) {
            o.handles.remove(h);
        }
    }

    /**
     * @return whether a handle was ever opened on this file; a removal that claimed the file
     *         (so no open succeeds any more) and finds none has no caller to drain
     */
    boolean everOpened() {
        return opened != null;
    }

    /** @return the handles opened and not yet released; a live view */
    Set<OpenFile> handles() {
        Opened o = opened;
        return o == null ? Set.of() : o.handles;
    }

    /** @return true if {@code mine} is now the one self-removal of this file. Context: after an open. */
    boolean claimSelfRemoval(SelfRemoval mine) {
        return Opened.SELF_REMOVAL.compareAndSet(opened, null, mine);
    }

    /** @return the self-removal that claimed this file, or null. Context: after an open. */
    SelfRemoval selfRemoval() {
        return opened.selfRemoval;
    }

    /** Gives up {@code mine}'s claim, if it still holds it: nothing was removed. Context: after an open. */
    void unclaimSelfRemoval(SelfRemoval mine) {
        Opened.SELF_REMOVAL.compareAndSet(opened, mine, null);
    }

    // ---- change notification (kernfs_notify, kernfs_fop_poll) -------------------------------

    /** What a wait for a change ended with. */
    enum Wake {
        /** A notification came after the one the handle had seen. */
        CHANGED,
        /** The timeout passed. */
        TIMEOUT,
        /** The file is being removed (its gate is no longer live), or the handle was released. */
        REMOVED,
        /** The waiting handle was closed. */
        CLOSED
    }

    /**
     * @return the notifications so far, which a handle remembers as seen at its open and before
     *         each show. Context: after an open.
     */
    int event() {
        return opened.event;
    }

    /**
     * Announces a change of the file's value (kernfs {@code kernfs_notify}): wakes the handles
     * waiting for one. Context: any thread, also inside a callback; takes only this file's
     * monitor, never while calling out. A file never opened has nobody to tell: nothing is
     * made for it.
     */
    void notifyChange() {
        Opened o = opened;
        if (o == null) {
            return;
        }
        synchronized (o) {
            o.event++;
            if (o.waiting > 0) {
                o.notifyAll();
            }
        }
    }

    /** Wakes the waiters, to look again: the file is being removed or a handle closed. */
    void wakeWaiters() {
        Opened o = opened;
        if (o == null) {
            return;
        }
        synchronized (o) {
            if (o.waiting > 0) {
                o.notifyAll();
            }
        }
    }

    /**
     * Waits for a notification after {@code seen}, the removal of the file, the close of
     * {@code h} or the timeout, whichever first. Context: after an open; no lock held; blocks
     * on this file's monitor only, which nobody holds while calling out.
     *
     * @param seen   the notification count the handle has seen
     * @param nanos  the budget ({@code Deadline.nanos}); 0: only look
     * @param h      the waiting handle
     * @return why it returned
     * @throws InterruptedException if interrupted while waiting
     */
    Wake awaitChange(int seen, long nanos, OpenFile h) throws InterruptedException {
        Opened o = opened;
        long start = System.nanoTime();
        synchronized (o) {
            o.waiting++;
            try {
                for (;;) {
                    if (h.closedByUser()) {
                        return Wake.CLOSED;
                    }
                    if (o.gate.state() != GateState.LIVE || h.released()) {
                        return Wake.REMOVED;
                    }
                    if (o.event != seen) {
                        return Wake.CHANGED;
                    }
                    long left = nanos - (System.nanoTime() - start);
                    if (left <= 0) {
                        return Wake.TIMEOUT;
                    }
                    TimeUnit.NANOSECONDS.timedWait(o, left);
                }
            } finally {
                o.waiting--;
            }
        }
    }

    boolean readable() {
        return (mode & Attribute.S_IRUSR) != 0;
    }

    boolean writable() {
        return (mode & Attribute.S_IWUSR) != 0;
    }

    /**
     * What the file calls: the owner's attribute and the owner. The class loader of the
     * attribute's callbacks is kept to point at owner frames in a drain report.
     */
    record Binding(Attribute<Object> attribute, Object owner, ClassLoader loader) {
    }

    /** The claim of the one writer that removes this file's owner from its store. */
    static final class SelfRemoval {
        final Thread remover = Thread.currentThread();
        private final CountDownLatch done = new CountDownLatch(1);

        void finish() {
            done.countDown();
        }

        /** Waits until the removal finished or the timeout passed; keeps the interrupt status. */
        boolean await(Duration timeout) {
            return Removal.awaitUninterruptibly(done, timeout);
        }
    }
}
