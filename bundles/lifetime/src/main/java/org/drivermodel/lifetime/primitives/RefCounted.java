package org.drivermodel.lifetime.primitives;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * A reference-counted object with tracked references (kref with ref_tracker): every reference
 * is a {@link Ref} that names its holder and, when {@link RefTracking tracking} is on, records
 * where it was taken and first put. When the count drops back to zero the release callback runs,
 * exactly once.
 *
 * <pre>
 * RefCounted node = new RefCounted("/devices/vbus0/1209:0001.1", this::freeNode);
 * Ref r = node.get("block0");      // a holder
 * ...
 * node.revoke();                    // unregistration: every use through a Ref now gives ENODEV
 * LeakReport leaks = node.awaitRelease(Duration.ofSeconds(10), Duration.ofSeconds(1), log, reAnnounce);
 * if (!leaks.isEmpty()) node.reclaim();   // do not wait forever
 * </pre>
 *
 * <h2>Design</h2>
 *
 * <p>The count is one {@code int} changed by CAS; it starts at zero (or at one for an object
 * made by {@link #init}, whose creator holds an untracked reference, as {@code kref_init}), and
 * the release runs the first time it drops back to zero: the put that decrements to zero then CASes zero to a
 * {@code RELEASED} mark and only the winner of that CAS runs the callback. A {@code get} that
 * slips in between (zero to one) simply makes that CAS fail, and the release waits for the new
 * holder's put; a {@code get} after the mark fails with {@code ENODEV}. So the callback runs
 * exactly once, in the thread of the last put, and never concurrently with a live reference.
 * The references not yet put are what leak reports are made of; they are bookkeeping, the
 * count is authoritative. They live in a small array of slots, created at the first get: a
 * get claims a free slot by CAS (starting at a slot chosen by its thread, so two threads
 * rarely meet), the put that wins the reference clears it with a release store, and only when
 * every slot is taken does a reference go to an overflow set (a concurrent set, created then).
 * An object has one or two references most of the time (the core's own and a handle's), so
 * the common get and put touch one slot and allocate only the {@link Ref}: a concurrent set
 * for every object cost seven bare krefs per get and put (benchmarks/RESULTS.md) and about
 * 200 bytes per object.
 *
 * <p>Revocation is a separate, forward-only state: a revoked object still counts its holders
 * (they keep a core-owned node alive) but every use through them fails fast. Waiting for
 * holders ({@link #awaitRelease}) belongs to unregistration only; the last put wakes the
 * waiter (registered before it checks the count, so the wake-up cannot be lost) and the waiter
 * also parks with a bounded backoff, re-announcing and warning on an escalating schedule
 * (netdev {@code netdev_wait_allrefs}), and gives up at its deadline with a report.
 *
 * <p>Thread-safety: all methods may be called from any thread; no lock is held while calling
 * the release callback, the log or the re-announce callback.
 */
public final class RefCounted {

    /** Count value once the release callback is claimed. */
    private static final int RELEASED = -1;

    /** First park of {@link #awaitRelease}: most holders let go within a millisecond (netdev starts at 1 ms). */
    private static final long MIN_PARK_NANOS = 1_000_000L;

    /** Longest park of {@link #awaitRelease}: the last put wakes us, so this only bounds a
     *  missed wake-up; netdev's 250 ms. */
    private static final long MAX_PARK_NANOS = 250_000_000L;

    /** Re-announcements before the first warning, at a quarter and half of it: holders get two
     *  chances to let go before anyone is blamed. */
    private static final int REANNOUNCES_BEFORE_WARNING = 2;

    /** Slots per object: enough for the core's own reference and a few handles; a power of two. */
    private static final int SLOTS = 4;

    private static final VarHandle COUNT;
    private static final VarHandle SLOTS_FIELD;
    private static final VarHandle OVERFLOW;
    private static final VarHandle WAITERS;
    private static final VarHandle CREATOR;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Ref[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COUNT = l.findVarHandle(RefCounted.class, "count", int.class);
            SLOTS_FIELD = l.findVarHandle(RefCounted.class, "slots", Ref[].class);
            OVERFLOW = l.findVarHandle(RefCounted.class, "overflow", Set.class);
            WAITERS = l.findVarHandle(RefCounted.class, "waiters", ParkedThreads.class);
            CREATOR = l.findVarHandle(RefCounted.class, "creatorHolds", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object name; /* a String, or a Supplier<String> asked at each use (a name made only when shown) */
    private final Runnable release;
    private final RefTracking tracking; // null: follow RefTracking.global() at each get

    private volatile int count;                       /* CAS via COUNT: references held; RELEASED once the release is claimed */
    private volatile RefState lifecycle = RefState.LIVE; /* LIVE or REVOKED; written only by revoke() */
    private volatile boolean creatorHolds; /* CAS via CREATOR: true from init() until putInitial(); the count includes
                                              the creator's reference, which has no Ref and no slot */
    private volatile Ref[] slots; /* null until the first get, then never replaced; elements CAS via SLOT:
                                     references counted and not yet put or reclaimed */
    private volatile Set<Ref> overflow; /* null until every slot was taken at once (CAS via OVERFLOW); then
                                           the rest of the references counted and not yet put or reclaimed */
    private volatile ParkedThreads waiters; /* null until the first awaitRelease() (CAS via WAITERS), then fixed: threads in it.
                                               A waiter installs it before it reads the count, the last put reads it after it
                                               writes the count (both volatile): one of them sees the other */

    /**
     * Creates an object with no references, following the global {@link RefTracking} setting.
     *
     * @param name    the object's name for errors and reports (e.g. a device path)
     * @param release run once when the count drops back to zero; must not block for long
     */
    public RefCounted(String name, Runnable release) {
        this(name, null, release);
    }

    /**
     * Creates an object with no references and a fixed tracking setting.
     *
     * @param name     the object's name for errors and reports
     * @param tracking whether to record stacks, or {@code null} to follow the global setting
     * @param release  run once when the count drops back to zero; must not block for long
     */
    public RefCounted(String name, RefTracking tracking, Runnable release) {
        this((Object) Objects.requireNonNull(name, "name"), tracking, release);
    }

    /**
     * Creates an object with no references and a fixed tracking setting, whose name is made
     * only when an error or a report shows it (a device's path, made from its tree on demand,
     * so that 100k devices keep no path strings).
     *
     * @param name     gives the object's name for errors and reports; called at each use
     * @param tracking whether to record stacks, or {@code null} to follow the global setting
     * @param release  run once when the count drops back to zero; must not block for long
     * @since 1.1
     */
    public RefCounted(Supplier<String> name, RefTracking tracking, Runnable release) {
        this((Object) Objects.requireNonNull(name, "name"), tracking, release);
    }

    private RefCounted(Object name, RefTracking tracking, Runnable release) {
        this.name = name;
        this.tracking = tracking;
        this.release = Objects.requireNonNull(release, "release");
    }

    private RefCounted(Supplier<String> name, RefTracking tracking, Runnable release, boolean creatorHolds) {
        this((Object) Objects.requireNonNull(name, "name"), tracking, release);
        this.count = 1;
        this.creatorHolds = creatorHolds;
    }

    /**
     * Creates an object whose creator holds its first reference (Linux's {@code kref_init}): the
     * count starts at one, and that reference is no {@link Ref} and takes no slot, so an object
     * nobody else holds costs nothing for it (the core's own reference to each of 100k registered
     * devices, docs/design.md §8). The creator drops it once with {@link #putInitial}.
     *
     * <p>It is not tracked: leak reports count it (their {@link LeakReport#count() count}) but
     * list no holder for it, and {@link #reclaim} leaves it to its creator.
     *
     * @param name     gives the object's name for errors and reports; called at each use
     * @param tracking whether to record stacks of the other references, or {@code null} to follow
     *                 the global setting
     * @param release  run once when the count drops back to zero; must not block for long
     * @return the object, with a count of one
     * @since 1.2
     */
    public static RefCounted init(Supplier<String> name, RefTracking tracking, Runnable release) {
        return new RefCounted(name, tracking, release, true);
    }

    /**
     * Drops the creator's reference taken by {@link #init} ({@code kref_put} of
     * {@code kref_init}'s): if it was the last, the release runs, in this thread.
     *
     * <p>Context: any thread; never blocks (but for the release).
     *
     * @throws IllegalStateException if it was put already, or the object was not made by
     *         {@link #init}; the count is unchanged
     * @since 1.2
     */
    public void putInitial() {
        if (!CREATOR.compareAndSet(this, true, false)) {
            throw new IllegalStateException(name() + ": the creator's reference is not held (put already, or not made by init)");
        }
        uncount();
    }

    /** @return the name given at construction, or what its supplier gives now */
    @SuppressWarnings("unchecked")
    public String name() {
        return name instanceof String s ? s : String.valueOf(((Supplier<String>) name).get());
    }

    /** @return the current state; a snapshot */
    public RefState state() {
        return count == RELEASED ? RefState.RELEASED : lifecycle;
    }

    /** @return references currently held; a snapshot */
    public int count() {
        return Math.max(0, count);
    }

    /**
     * Takes a reference.
     *
     * <p>Context: any thread; never blocks. The caller owns the returned reference and must put
     * it exactly once.
     *
     * @param holder who holds it, as leak reports should name it (a bundle, a handle, a subsystem)
     * @return the reference
     * @throws DriverModelException {@code ENODEV} if the object was revoked or released;
     *         {@code ERANGE} if the count would overflow
     */
    public Ref get(String holder) {
        Objects.requireNonNull(holder, "holder");
        checkLive();
        for (;;) {
            int c = count;
            if (c == RELEASED) {
                throw gone();
            }
            if (c == Integer.MAX_VALUE) {
                throw new DriverModelException(Errno.ERANGE, name(), "reference count overflow");
            }
            if (COUNT.compareAndSet(this, c, c + 1)) {
                break;
            }
        }
        RefTracking t = tracking != null ? tracking : RefTracking.global();
        Ref r = new Ref(this, holder, t == RefTracking.STACKS
                ? new RecordedStack("reference taken by \"" + holder + "\"") : null);
        hold(r);
        return r;
    }

    /**
     * Revokes the object: from now on {@link #get} and {@link Ref#check()} fail with
     * {@code ENODEV}. References held still count. Idempotent.
     */
    public void revoke() {
        lifecycle = RefState.REVOKED;
    }

    /**
     * Reports the references still held, grouped by holder. Context: any thread; a snapshot.
     *
     * @return the report; {@link LeakReport#isEmpty() empty} if none is held
     */
    public LeakReport verifyNoneHeld() {
        return LeakReport.of(name(), count(), held());
    }

    /**
     * Waits, at unregistration, until no reference is held, escalating as netdev does: parks
     * with a backoff, calls {@code reAnnounce} (so holders are told again to let go) at a
     * quarter and a half of {@code firstWarning} and then at doubling intervals, and from
     * {@code firstWarning} on logs at each of those times
     * {@code "waiting for <name> to become free, usage count N; held by ..."}.
     *
     * <p>Context: blocks up to {@code deadline}; call without holding locks the holders may
     * need. Never waits forever. Interrupts do not end the wait early; the interrupt status is
     * restored on return. Returns once the count is zero; the release callback runs in the
     * thread of the last put and may still be running then.
     *
     * @param deadline     how long to wait at most
     * @param firstWarning when to log the first warning
     * @param log          receives warnings, and a last line if the deadline passes
     * @param reAnnounce   tells holders again that the object is going (netdev's
     *                     {@code NETDEV_UNREGISTER} rebroadcast); an exception from it is logged
     * @return an empty report if released in time, else the references still held
     */
    public LeakReport awaitRelease(Duration deadline, Duration firstWarning, Consumer<String> log, Runnable reAnnounce) {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(reAnnounce, "reAnnounce");
        long start = System.nanoTime();
        long budget = Deadline.nanos(deadline);
        long warnAt = Deadline.nanos(firstWarning);
        long nextStep = Math.max(1, warnAt >> REANNOUNCES_BEFORE_WARNING);
        Thread me = Thread.currentThread();
        ParkedThreads waiters = this.waiters;
        if (waiters == null) {
            ParkedThreads fresh = new ParkedThreads();
            waiters = WAITERS.compareAndSet(this, null, fresh) ? fresh : this.waiters;
        }
        waiters.add(me);
        boolean interrupted = false;
        try {
            long park = MIN_PARK_NANOS;
            for (;;) {
                if (count <= 0) {
                    return LeakReport.of(name(), 0, List.of());
                }
                long now = System.nanoTime() - start;
                if (now >= budget) {
                    LeakReport leaks = verifyNoneHeld();
                    if (!leaks.isEmpty()) {
                        log.accept("gave up waiting for " + name() + " to become free after "
                                + Duration.ofNanos(now).toMillis() + " ms, usage count " + leaks.count()
                                + "; held by " + leaks.summary());
                    }
                    return leaks;
                }
                if (now >= nextStep) {
                    try {
                        reAnnounce.run();
                    } catch (RuntimeException e) {
                        log.accept("re-announcing the removal of " + name() + " failed: " + e);
                    }
                    if (nextStep >= warnAt && count > 0) {
                        log.accept("waiting for " + name() + " to become free, usage count " + count()
                                + "; held by " + verifyNoneHeld().summary());
                    }
                    nextStep = nextStep > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : nextStep << 1;
                    continue;
                }
                LockSupport.parkNanos(this, Math.min(park, Math.min(nextStep, budget) - now));
                park = Math.min(park << 1, MAX_PARK_NANOS);
                interrupted |= Thread.interrupted();
            }
        } finally {
            waiters.remove(me);
            if (interrupted) {
                me.interrupt();
            }
        }
    }

    /**
     * Revokes the object (if not yet) and drops every reference still held, as if each holder
     * had put it: the core's answer to a holder that does not let go. A holder's later
     * {@link Ref#put()} is accepted silently and its {@link Ref#check()} fails with
     * {@code ENODEV}. If this drops the count to zero the release runs, in this thread. A
     * {@code get} racing with this call may survive it; its own put then releases. The creator's
     * reference of an object made by {@link #init} is not reclaimed: its creator puts it.
     *
     * @return the references reclaimed, grouped by holder
     */
    public LeakReport reclaim() {
        revoke();
        List<Ref> taken = new ArrayList<>();
        for (Ref r : held()) {
            if (r.reclaim()) {
                taken.add(r);
            }
        }
        LeakReport report = LeakReport.of(name(), taken.size(), taken);
        for (Ref r : taken) {
            drop(r);
        }
        return report;
    }

    @Override
    public String toString() {
        return "RefCounted[" + name() + ", " + state() + ", count " + count() + "]";
    }

    /** Throws ENODEV if revoked or released. */
    void checkLive() {
        if (lifecycle != RefState.LIVE || count == RELEASED) {
            throw gone();
        }
    }

    /** Uncounts r, whose put or reclaim was just won; releases on the way to zero. */
    void drop(Ref r) {
        unhold(r);
        uncount();
    }

    /** Takes one off the count, whose reference was just given up; releases on the way to zero. */
    private void uncount() {
        int c = (int) COUNT.getAndAdd(this, -1) - 1; // the reference was counted, so this never goes below zero
        if (c == 0 && COUNT.compareAndSet(this, 0, RELEASED)) {
            try {
                release.run();
            } finally {
                ParkedThreads w = waiters;
                if (w != null) {
                    w.unparkAll();
                }
            }
        }
    }

    /** Records r as held: a free slot, else the overflow set. */
    private void hold(Ref r) {
        Ref[] s = slots;
        if (s == null) {
            Ref[] fresh = new Ref[SLOTS];
            s = SLOTS_FIELD.compareAndSet(this, null, fresh) ? fresh : slots;
        }
        int start = (int) Thread.currentThread().getId();
        for (int i = 0; i < SLOTS; i++) {
            int k = (start + i) & (SLOTS - 1);
            if (s[k] == null && SLOT.compareAndSet(s, k, null, r)) {
                return;
            }
        }
        Set<Ref> o = overflow;
        if (o == null) {
            Set<Ref> fresh = ConcurrentHashMap.newKeySet();
            o = OVERFLOW.compareAndSet(this, null, fresh) ? fresh : overflow;
        }
        o.add(r);
    }

    /** Forgets r, whose put or reclaim was just won (so it is in a slot or the overflow set). */
    private void unhold(Ref r) {
        Ref[] s = slots;
        for (int k = 0; k < SLOTS; k++) {
            if (s[k] == r) {
                SLOT.setRelease(s, k, null);
                return;
            }
        }
        overflow.remove(r);
    }

    /** @return the references held; a snapshot, listing each at most once (one taken or put meanwhile may be missed) */
    private List<Ref> held() {
        List<Ref> out = new ArrayList<>();
        Ref[] s = slots;
        if (s != null) {
            for (int k = 0; k < SLOTS; k++) {
                Ref r = (Ref) SLOT.getAcquire(s, k);
                if (r != null) {
                    out.add(r);
                }
            }
        }
        Set<Ref> o = overflow;
        if (o != null) {
            out.addAll(o);
        }
        return out;
    }

    private DriverModelException gone() {
        return new DriverModelException(Errno.ENODEV, name(), count == RELEASED ? "was released" : "was removed");
    }
}
