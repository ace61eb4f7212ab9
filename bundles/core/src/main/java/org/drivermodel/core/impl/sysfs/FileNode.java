package org.drivermodel.core.impl.sysfs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.drivermodel.api.Attribute;
import org.drivermodel.lifetime.primitives.ActiveGate;

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

    /** What a file needs once opened: its active reference, its handles, its self-removal claim. */
    private static final class Opened {
        final ActiveGate gate;                                      // named by the path, so ENODEV names the file
        final Set<OpenFile> handles = ConcurrentHashMap.newKeySet(); // open, not yet released handles
        volatile SelfRemoval selfRemoval;                           /* CAS via SELF_REMOVAL: set by the winning removeSelf */

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
