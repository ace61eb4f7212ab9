package org.drivermodel.core.impl.sysfs;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.api.AccessMode;
import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.core.impl.sysfs.FileNode.Binding;
import org.drivermodel.core.impl.sysfs.FileNode.SelfRemoval;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.primitives.ActiveGate;
import org.drivermodel.lifetime.primitives.Deadline;
import org.drivermodel.lifetime.primitives.GateState;

/**
 * An open attribute file (kernfs {@code struct kernfs_open_file}, file.c): the handle a reader
 * or writer holds, and the active-reference protocol of each read and write.
 *
 * <h2>Design</h2>
 *
 * <p><b>A handle pins a node, never an owner.</b> It references its {@link FileNode} only; the
 * node reaches the owner through {@link FileNode#binding()}, which the removal clears. Every read
 * and write enters the node's {@link ActiveGate} first ({@code ENODEV} once the file is being
 * removed), then reads the binding, calls the owner's callback with no lock held, and leaves the
 * gate. The gate is the only protection across a callback: removal kills it and waits for the
 * callers inside, so after a removal returns no callback of its files is running and none will
 * start.
 *
 * <p><b>Release exactly once.</b> A handle's life has two independent facts: the user closed it,
 * and it was released (its owner's release hook ran or is running). They form the four states
 * of {@link State}; every change is a CAS, and the one CAS that moves a handle from unreleased
 * to released ({@code OPEN->ORPHANED} by the drain, {@code CLOSING->CLOSED} by the closer or the
 * drain) wins the right to run the hook. The closer runs it only from inside the gate, so a
 * removal that drains the gate also waits for a release in progress at close; a closer that
 * finds the gate dying leaves the handle in {@code CLOSING}, and the removal, which scans
 * {@link FileNode#handles()} only after it killed the gate, releases it. Hence "release runs
 * exactly once, at close or at drain, never after the removal returned" (unless the drain's
 * deadline passed, which the removal reports).
 *
 * <p><b>Self-removal.</b> Each read or write in progress is a {@link Call} on a per-thread stack
 * ({@link #INSIDE}); a write's call is the {@link Attribute.Context} of its store. Its
 * {@code removeSelf} breaks the call's active protection before running the removal, so the
 * removal's drain does not wait for the caller; a removal refuses ({@code EINVAL}) to start from
 * a thread that is inside an unbroken call on a file it would remove, instead of waiting for
 * itself. The thread-local holds only JDK objects when no call is in progress, so threads that
 * outlive the core bundle pin none of its classes.
 *
 * <p><b>Per-open state</b> (kernfs {@code kernfs_open_file} with its {@code seq_file}): the
 * access mode fixed at open, the snapshot of the last show with the read position (guarded by
 * this handle's monitor, never held across a show), and the notification count seen at the open
 * or the last show ({@code of->event}). None of it is in the node: a file costs nothing more
 * for being readable by position or watchable; only its handles do.
 *
 * <p><b>Change notification.</b> {@link #awaitChange} waits on the node's notification monitor
 * ({@link FileNode#awaitChange}) with no other lock held; a notification, the removal of the
 * file (its gate dying: ENODEV at once, not at the timeout) or this handle's close wakes it.
 *
 * <p><b>Thread-safety.</b> {@code read}, {@code write}, {@code seek}, {@code awaitChange} and
 * {@code close} may be called from any thread, concurrently; they are not serialised against
 * each other.
 */
final class OpenFile implements AttributeFile {

    /** Longest value a write takes: one page, as sysfs. */
    static final int MAX_WRITE = 4096;

    /** The calls the current thread is inside, innermost first; unset when none. */
    private static final ThreadLocal<Call> INSIDE = new ThreadLocal<>();

    /** closed by the user x released: every transition is a CAS on {@link #state}. */
    private enum State {
        /** Not closed, not released. */
        OPEN,
        /** Closed; the release is still to be run by the closer or the drain. */
        CLOSING,
        /** Released by the drain, not yet closed: reads and writes give ENODEV. */
        ORPHANED,
        /** Closed and released (or being released by whoever claimed it). */
        CLOSED
    }

    private final AttributeTree tree;
    private final FileNode node;
    private final String path; // the node's, made once per handle
    private final AccessMode access; // fixed at open
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN); /* CAS only */
    private String snapshot;  /* guarded by this: what the last show returned (kernfs seq_file's buffer); null before */
    private long position;    /* guarded by this: where the next read(max) starts */
    private volatile int seen; /* the node's notification count at the open or before the last show (kernfs of->event) */

    /**
     * Context: the tree lock held (read); the handle is added to the node right after.
     *
     * @param access the handle's access, checked by the tree against the file's mode
     */
    OpenFile(AttributeTree tree, FileNode node, AccessMode access) {
        this.tree = tree;
        this.node = node;
        this.path = node.path();
        this.access = access;
    }

    /** Takes the notification count at the open. Context: after {@link FileNode#addHandle}. */
    void opened() {
        seen = node.event();
    }

    @Override
    public int mode() {
        return node.mode;
    }

    @Override
    public String path() {
        return path;
    }

    /*
     * Reads. The snapshot and position are this handle's alone (kernfs keeps them in the
     * kernfs_open_file's seq_file): a show runs with no lock held, and only its result is
     * published under the handle's monitor, so concurrent readers of one handle never wait for
     * each other's show (they share the position, as threads sharing a file descriptor do).
     */

    @Override
    public String read() {
        checkReadable();
        String value = show();
        synchronized (this) {
            snapshot = value;
            position = value.length();
        }
        return value;
    }

    @Override
    public String read(int max) {
        checkReadable();
        if (max < 0) {
            throw new DriverModelException(Errno.EINVAL, path, "negative count " + max);
        }
        String snap;
        long pos;
        synchronized (this) {
            snap = snapshot;
            pos = position;
        }
        if (pos == 0 || snap == null) { // at offset 0 show runs again (kernfs_seq_start at *ppos == 0)
            snap = show();
        } else if (released() || node.gate().state() != GateState.LIVE) {
            // kernfs_seq_start takes the active reference at every read, at any offset: ENODEV once removed
            throw new DriverModelException(Errno.ENODEV, path, "was removed");
        }
        int from = (int) Math.min(pos, snap.length());
        int to = (int) Math.min(snap.length(), (long) from + max);
        synchronized (this) {
            snapshot = snap;
            position = Math.max(pos, to);
        }
        return snap.substring(from, to);
    }

    @Override
    public void seek(long to) {
        checkNotClosed();
        if (to < 0) {
            throw new DriverModelException(Errno.EINVAL, path, "negative position " + to);
        }
        synchronized (this) {
            position = to;
        }
    }

    @Override
    public synchronized long position() {
        return position;
    }

    private void checkReadable() {
        checkNotClosed();
        if (!node.readable()) {
            throw new DriverModelException(Errno.EACCES, path, "not readable (mode 0" + Integer.toOctalString(node.mode) + ")");
        }
        if (!access.reads()) {
            throw new DriverModelException(Errno.EBADF, path, "not opened for reading (opened " + access + ")");
        }
    }

    /**
     * The one read path into the owner (kernfs {@code kernfs_seq_show}, sysfs
     * {@code sysfs_kf_seq_show}): enters the gate, remembers the notification count (so a wait
     * after this show waits for the next change), calls show, and cuts its value to one page,
     * reporting an oversized value to the tree's {@link CallFaults} (logged once per binding and
     * file, naming file, driver and bundle).
     */
    private String show() {
        Call call = enter();
        Binding b = call.binding;
        String value;
        try {
            seen = node.event();
            value = b.attribute().show(b.owner());
        } catch (Throwable t) {
            throw contained(t, b, "show");
        } finally {
            call.exit();
        }
        if (value == null) {
            throw new DriverModelException(Errno.EIO, path, "show returned null");
        }
        if (value.length() > AttributeTree.PAGE_SIZE) { // a page, as sysfs: the rest is dropped now
            int length = value.length();
            value = value.substring(0, AttributeTree.PAGE_SIZE);
            tree.faults.oversized(path, b.owner(), length);
        }
        return value;
    }

    @Override
    public boolean awaitChange(Duration timeout) {
        checkNotClosed();
        if (timeout == null) {
            throw new DriverModelException(Errno.EINVAL, path, "null timeout");
        }
        FileNode.Wake w;
        try {
            w = node.awaitChange(seen, Deadline.nanos(timeout), this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverModelException(Errno.EINTR, path, "interrupted while waiting for a change");
        }
        return switch (w) {
            case CHANGED -> true;
            case TIMEOUT -> false;
            case REMOVED -> throw new DriverModelException(Errno.ENODEV, path, "was removed");
            case CLOSED -> throw new DriverModelException(Errno.EINVAL, path, "file is closed");
        };
    }

    /**
     * Turns what an owner's callback threw into the caller's error: its own errno for a
     * {@link DriverModelException}, else EIO naming the throwable's class; anything but a
     * DriverModelException is reported to the tree's {@link CallFaults}. Only text is
     * kept: the throwable references the owner's classes.
     */
    private DriverModelException contained(Throwable t, Binding b, String op) {
        if (t instanceof DriverModelException e) {
            return e;
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new DriverModelException(Errno.EIO, path, op + " was interrupted");
        }
        tree.faults.fault(path, b.owner(), op, t);
        return new DriverModelException(Errno.EIO, path, op + " failed: " + className(t));
    }

    private static String className(Throwable t) {
        return t.getClass().getName();
    }

    @Override
    public void write(String value) {
        checkNotClosed();
        if (!node.writable()) {
            throw new DriverModelException(Errno.EACCES, path, "not writable (mode 0" + Integer.toOctalString(node.mode) + ")");
        }
        if (!access.writes()) {
            throw new DriverModelException(Errno.EBADF, path, "not opened for writing (opened " + access + ")");
        }
        if (value == null) {
            throw new DriverModelException(Errno.EINVAL, path, "null value");
        }
        if (value.length() > MAX_WRITE) {
            throw new DriverModelException(Errno.EINVAL, path,
                    "value of " + value.length() + " characters, longer than " + MAX_WRITE);
        }
        Call call = enter();
        Binding b = call.binding;
        try {
            b.attribute().store(b.owner(), value, call);
        } catch (Throwable t) {
            throw contained(t, b, "store");
        } finally {
            call.exit();
        }
    }

    @Override
    public void close() {
        for (;;) {
            State s = state.get();
            if (s == State.OPEN) {
                if (state.compareAndSet(State.OPEN, State.CLOSING)) {
                    break;
                }
            } else if (s == State.ORPHANED) {
                if (state.compareAndSet(State.ORPHANED, State.CLOSED)) {
                    return; // the drain released it
                }
            } else {
                return; // closed already
            }
        }
        node.wakeWaiters(); // a thread of ours in awaitChange answers EINVAL
        ActiveGate.Guard g = node.gate().tryEnter();
        if (g == null) {
            return; // being removed: the removal releases this handle (it scans after the kill)
        }
        RuntimeException failure = null;
        try {
            if (state.compareAndSet(State.CLOSING, State.CLOSED)) {
                node.removeHandle(this);
                failure = runRelease(node.binding()); // non-null inside the gate
            }
        } finally {
            g.close();
        }
        if (failure != null) {
            throw new DriverModelException(Errno.EIO, path, failure.getMessage());
        }
    }

    /**
     * Releases this handle on behalf of the removal of its file, unless it was released already.
     * Context: the removing thread, after the gate was killed; no lock held.
     *
     * @param binding the file's binding, read by the removal before clearing it
     * @return what the release hook threw, or null
     */
    RuntimeException releaseByDrain(Binding binding) {
        for (;;) {
            State s = state.get();
            State next = s == State.OPEN ? State.ORPHANED : s == State.CLOSING ? State.CLOSED : null;
            if (next == null) {
                return null; // released by its closer
            }
            if (state.compareAndSet(s, next)) {
                break;
            }
        }
        node.removeHandle(this);
        return runRelease(binding);
    }

    /** @return true once the handle was released (its release hook ran or is running) */
    boolean released() {
        State s = state.get();
        return s == State.ORPHANED || s == State.CLOSED;
    }

    private RuntimeException runRelease(Binding b) {
        try {
            b.attribute().release(b.owner(), this);
            return null;
        } catch (DriverModelException e) {
            return e;
        } catch (Throwable t) { // owner code (its bundle maybe gone): report, do not unwind the removal
            tree.faults.fault(path, b.owner(), "release", t);
            return new IllegalStateException("release failed: " + className(t));
        }
    }

    /** @return true once the user closed the handle */
    boolean closedByUser() {
        State s = state.get();
        return s == State.CLOSING || s == State.CLOSED;
    }

    private void checkNotClosed() {
        if (closedByUser()) {
            throw new DriverModelException(Errno.EINVAL, path, "file is closed");
        }
    }

    /** Enters the gate and pushes a call. Context: the caller must {@link Call#exit()} it. */
    private Call enter() {
        ActiveGate.Guard g = node.gate().enter(); // ENODEV once the file is being removed
        Binding b = node.binding();
        if (b == null) { // cannot happen: the binding is cleared only after the gate is dead
            g.close();
            throw new DriverModelException(Errno.ENODEV, path, "was removed");
        }
        Call call = new Call(this, g, b, INSIDE.get());
        INSIDE.set(call);
        return call;
    }

    /** @see AttributeTree#breakOwnCalls(TreeDirectory) */
    static boolean breakCallsWithin(Node root) {
        boolean broke = false;
        for (Call c = INSIDE.get(); c != null; c = c.previous) {
            if (c.phase == Call.Phase.INSIDE && c.file.node.isWithin(root)) {
                c.breakOut();
                broke = true;
            }
        }
        return broke;
    }

    /**
     * Refuses a removal from a thread that is inside an unbroken call on a file at or below
     * {@code root}: its drain would wait for the caller itself.
     *
     * @throws DriverModelException EINVAL naming the file
     */
    static void checkNotInside(Node root) {
        for (Call c = INSIDE.get(); c != null; c = c.previous) {
            if (c.phase == Call.Phase.INSIDE && c.file.node.isWithin(root)) {
                throw new DriverModelException(Errno.EINVAL, root.path(),
                        "removal from inside a callback of " + c.file.path
                        + " would wait for itself; use Attribute.Context.removeSelf");
            }
        }
    }

    @Override
    public String toString() {
        return "OpenFile[" + path + ", " + state.get() + "]";
    }

    /**
     * A read or write in progress: the gate entry and the binding it uses; for a write, the
     * store's {@link Attribute.Context}. Confined to the calling thread.
     */
    static final class Call implements Attribute.Context {

        private enum Phase { INSIDE, BROKEN, ENDED }

        final OpenFile file;
        final ActiveGate.Guard guard;
        final Binding binding;
        final Call previous;
        private final Thread thread = Thread.currentThread();
        private Phase phase = Phase.INSIDE; /* confined to thread */
        private Runnable unprotectedEnd; /* confined to thread: the owner's accounting of it, once broken out */

        private Call(OpenFile file, ActiveGate.Guard guard, Binding binding, Call previous) {
            this.file = file;
            this.guard = guard;
            this.binding = binding;
            this.previous = previous;
        }

        @Override
        public String path() {
            return file.path;
        }

        @Override
        public boolean removeSelf(Runnable removal) {
            FileNode node = file.node;
            if (Thread.currentThread() != thread || phase == Phase.ENDED) {
                throw new DriverModelException(Errno.EINVAL, file.path, "removeSelf outside its store");
            }
            if (phase == Phase.BROKEN) {
                throw new DriverModelException(Errno.EINVAL, file.path, "removeSelf called twice");
            }
            if (removal == null) {
                throw new DriverModelException(Errno.EINVAL, file.path, "null removal");
            }
            breakOut(); // from here our own drain does not wait for us
            SelfRemoval mine = new SelfRemoval();
            if (!node.claimSelfRemoval(mine)) {
                SelfRemoval winner = node.selfRemoval();
                if (winner != null) {
                    winner.await(file.tree.drainDeadline());
                }
                return false;
            }
            try {
                Removal other = file.tree.removalOf(node);
                if (other != null) { // removed already, not by a removeSelf
                    other.await(file.tree.drainDeadline());
                    return false;
                }
                removal.run();
                return true;
            } catch (RuntimeException | Error e) {
                node.unclaimSelfRemoval(mine); // nothing removed: a later writer may try again
                throw e;
            } finally {
                mine.finish();
            }
        }

        /** Lets this call out of its file's drain; the owner's side is told. Context: its own thread. */
        void breakOut() {
            guard.breakProtection();
            phase = Phase.BROKEN;
            unprotectedEnd = file.tree.faults.unprotected(file.path, binding.owner());
        }

        /** Pops this call and leaves the gate (a no-op if protection was broken). */
        void exit() {
            phase = Phase.ENDED;
            Runnable end = unprotectedEnd;
            if (end != null) {
                unprotectedEnd = null;
                end.run();
            }
            if (previous == null) {
                INSIDE.remove();
            } else {
                INSIDE.set(previous);
            }
            guard.close();
        }
    }
}
