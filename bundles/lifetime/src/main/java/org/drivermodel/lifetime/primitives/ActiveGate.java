package org.drivermodel.lifetime.primitives;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The active reference of an owner (kernfs {@code kn->active}): it counts the callers currently
 * <em>inside</em> the owner's code, and lets removal shut the door and wait for them to leave.
 * In kernfs the count is an {@code atomic_t} that removal drives negative by adding
 * {@code KN_DEACTIVATED_BIAS}, so that new entries fail, and then waits until only the bias is
 * left; here there is no shared count but a slot table and a separate state (below). The core's
 * attribute files enter with {@link #enter()} and close with {@link #tryEnter()}
 * ({@code OpenFile}); docs/design.md §7.3.
 *
 * <pre>
 * try (ActiveGate.Guard g = gate.enter()) {   // ENODEV once the gate is dying
 *     driver.show(...);                       // the owner cannot go away under us
 * }
 * ...
 * DrainReport r = gate.kill(Duration.ofSeconds(5), driverLoader);   // removal
 * </pre>
 *
 * <h2>Design</h2>
 *
 * <p><b>The fast path shares nothing.</b> An entry occupies one slot of
 * a slot table with its <em>stamp</em>, a {@code long} naming the entering thread (its id, high
 * half) and the entry (its table, its slot and a per-thread sequence number, low half); the slot <em>is</em> the
 * count. The table is cut into stripes of {@link #STRIDE} slots (two cache lines each); a thread starts probing at the stripe of its
 * <em>probe</em> (a per-thread hash in a thread-local shared by all gates) and claims the first
 * free slot with one CAS. Exit is one CAS of that slot from the stamp back to zero.
 * There is no shared counter, no lock and no waiting on either path; threads on different
 * stripes never write the same cache line. A gate that is never entered has no table; its
 * first table has one stripe. When an entering thread finds other threads' entries in its way,
 * its probe is rehashed and the table is replaced by one with twice the stripes (up to
 * {@link #MAX_STRIPES}), as {@code LongAdder} moves its threads and grows its cells on
 * contention, so threads that collided on a stripe soon stop sharing it. Entries sitting in an
 * older table stay there until they exit; each table links the one it replaced, so a scan sees
 * them all. If every slot of the biggest table is taken, the entry is counted in that table's
 * overflow counter instead (exact, only not attributable to a thread). The slots hold no
 * references, so entering and leaving store nothing the garbage collector must track (no
 * card-marking barrier on the fast path). The stamp also names the table and the slot it sits in,
 * so an exit needs nothing but the stamp. The {@link Guard} returned by {@link #enter()}
 * wraps the stamp for try-with-resources and forgiving double closes; it is referenced from
 * no table, dies young, and is built only after its slot is taken and passed to no method, so
 * a caller whose code the JIT inlines whole may have it scalar-replaced. (The first version
 * stored the guard itself in the slot: that reference store cost about 13% of the throughput
 * at two threads; see {@code benchmarks/RESULTS.md}.) Each slot also has an owner cell holding the last thread
 * that used it, written only when a different thread takes the slot, which is how reports
 * name threads.
 *
 * <p>Because an entry occupies exactly one slot from its entry until its exit, and a slot is
 * taken again by the same thread with the same stamp only after its sequence number wraps
 * (2<sup>18</sup> entries later), exit is a CAS from <em>this entry's stamp</em> to zero: a second {@code close()}
 * of the same guard, from whatever thread, finds the slot no longer holding that stamp and does
 * nothing. Double closes therefore cannot corrupt the count. The stamp's thread id tells
 * {@link #kill} whether the caller is inside, and a timed-out kill reports who is still inside
 * from the slot's owner cell (checked against the stamp's id; a thread that died inside is
 * counted as unattributed), at no cost to the fast path.
 *
 * <p><b>Increment, then check.</b> {@code enter} first occupies a slot, then reads the state;
 * if the gate is no longer {@link GateState#LIVE} it vacates the slot again and fails. {@code
 * kill} first writes {@link GateState#DYING}, then reads the table reference and every slot.
 * All of these accesses are volatile (CAS, volatile read and write), so they are totally
 * ordered in the synchronization order, consistent with program order (Dekker's argument):
 * if an entering thread read {@code LIVE}, its read came before the killer's write of
 * {@code DYING}, hence its slot CAS (and its read of the table reference) came before the
 * killer's reads of the table and the slots. The killer therefore reaches that table (the
 * chain from any later table includes it) and sees the entry's stamp in its slot, or the zero
 * of its exit. Conversely an entry that read {@code DYING} never runs the owner's code. So a
 * scan after {@code DYING} that finds every slot empty proves that every entry admitted while
 * live has left, and none can be admitted again: the drain is exact, even though the scan is
 * not an atomic snapshot. (An entry in its fail-and-back-out window may be seen by a scan; that
 * only delays the verdict, never falsifies it.)
 *
 * <p><b>Waiting belongs to removal.</b> {@code kill} registers itself in a copy-on-write array
 * of waiters before scanning. A guard's exit vacates its slot (a CAS) and then reads the
 * state; if the gate is not live it unparks every registered waiter. By the same ordering
 * argument, an exit that the killer's scan missed sees the killer registered, so its wake-up
 * cannot be lost. The killer still parks with a bounded backoff ({@link #MIN_PARK_NANOS}
 * doubling to {@link #MAX_PARK_NANOS}), so a wake-up that never came would only cost latency,
 * and it gives up at its deadline with a {@link DrainReport}.
 * A late exit after a timed-out kill with no waiter left re-scans and moves the gate to
 * {@link GateState#DEAD} itself.
 *
 * <p><b>Self-removal</b> (kernfs {@code kernfs_break_active_protection}): a thread inside the
 * gate that wants to remove its own owner calls {@link Guard#breakProtection()}, which vacates
 * its slot, so its own kill does not wait for itself. {@code kill} from a thread that still
 * holds an unbroken entry of the same gate is refused with {@code EINVAL} rather than left to
 * wait for itself until the deadline.
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread. A {@link Guard} belongs to
 * the thread that entered; it may be handed to another thread only with a happens-before edge
 * (e.g. through a concurrent queue), and only one thread may use it at a time, except that
 * {@code close()} is always safe to repeat.
 */
public final class ActiveGate {

    /** Slots per stripe: 16 longs are 128 bytes, two cache lines, so that stripes do not share
     *  a line even with the adjacent-line prefetcher. */
    static final int STRIDE = 16;
    private static final int STRIDE_SHIFT = Integer.numberOfTrailingZeros(STRIDE);

    /** Largest number of stripes a gate grows to: two per CPU (a power of two) leaves room for
     *  hash collisions; more would only cost memory. Capped at 64 (8 KiB of slots). */
    static final int MAX_STRIPES = Math.min(64, 2 * ceilingPowerOfTwo(Runtime.getRuntime().availableProcessors()));

    /** First park of a waiting kill: short, because most in-flight calls are about to return. */
    private static final long MIN_PARK_NANOS = 50_000L;

    /** Longest park of a waiting kill: exits wake the killer, so this only bounds how late a
     *  wake-up that never came would be noticed, at no more than 100 wake-ups a second. */
    private static final long MAX_PARK_NANOS = 10_000_000L;

    /*
     * A stamp (what a slot holds) packs where the entry is
     * counted together with who made it, so that an exit needs nothing but the stamp:
     *   bits 63..32  the entering thread's key (low half of its id)
     *   bits 31..29  the table generation: log2 of its stripe count (MAX_STRIPES <= 64)
     *   bits 28..18  the slot index, or OVERFLOW
     *   bits 17..0   the thread's entry sequence number, never zero
     * Two open entries of a thread differ in their slot, or, when an entry is overflowed, in their
     * sequence number (it wraps after 2^18 entries).
     */
    private static final int GEN_SHIFT = 29, INDEX_SHIFT = 18;
    private static final long INDEX_MASK = 0x7FFL, SEQ_MASK = (1L << INDEX_SHIFT) - 1;

    /** The index field of an entry counted in its table's overflow counter rather than in a slot. */
    private static final int OVERFLOW = (int) INDEX_MASK;

    /**
     * Each thread's entry state, shared by all gates: {@code [PROBE]} its preferred stripe,
     * rehashed when the thread finds other threads' entries in its way, as LongAdder's per-thread
     * probe; {@code [KEY]} its id in the high half of a stamp; {@code [SEQ]} its last entry
     * sequence number.
     * The value is a {@code long[]} so that threads outliving this bundle pin none of its classes.
     */
    private static final ThreadLocal<long[]> SELF = new ThreadLocal<>();
    private static final int PROBE = 0, KEY = 1, SEQ = 2;

    private static final VarHandle STATE;
    private static final VarHandle TABLE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(ActiveGate.class, "state", GateState.class);
            TABLE = l.findVarHandle(ActiveGate.class, "table", Table.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;

    private volatile GateState state = GateState.LIVE;   /* CAS via STATE; only moves forward */

    private volatile Table table;                         /* null until first entry; replaced (CAS via TABLE) by a bigger one on contention */

    private final ParkedThreads killers = new ParkedThreads(); /* threads parked in kill() */

    /**
     * Creates a live gate.
     *
     * @param name the name of the owner, used in errors and reports (e.g. a sysfs path)
     */
    public ActiveGate(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** @return the owner's name given at construction */
    public String name() {
        return name;
    }

    /** @return the current state; a snapshot that may be stale as soon as it is returned */
    public GateState state() {
        return state;
    }

    /**
     * Enters the gate.
     *
     * <p>Context: any thread, any depth of nesting (the same thread may enter again while
     * inside). Never blocks. The caller owns the returned guard and must close it, normally with
     * try-with-resources.
     *
     * @return the guard whose {@code close()} leaves the gate
     * @throws DriverModelException {@code ENODEV} once the gate is dying or dead
     */
    public Guard enter() {
        // Each entry point builds its own guard after the slot is taken: a guard that met null
        // at a shared return would defeat C2's escape analysis (JDK 17) in the caller.
        long stamp = state == GateState.LIVE ? admit(self()) : 0L;
        if (stamp == 0L) {
            throw refused();
        }
        return new Guard(this, stamp, isOverflow(stamp) ? new AtomicBoolean() : null);
    }

    private DriverModelException refused() {
        return new DriverModelException(Errno.ENODEV, name,
                state == GateState.DEAD ? "was removed" : "is being removed");
    }

    /**
     * Like {@link #enter()}, but answers {@code null} instead of throwing when the gate is dying.
     *
     * @return the guard the caller must close, or {@code null} if the gate is dying or dead
     */
    public Guard tryEnter() {
        if (state != GateState.LIVE) {
            return null; // early refusal; the check that makes the drain exact is in admit()
        }
        long stamp = admit(self());
        if (stamp == 0L) {
            return null;
        }
        return new Guard(this, stamp, isOverflow(stamp) ? new AtomicBoolean() : null);
    }

    /**
     * @return how many entries are inside now (including entries backing out of a failed
     *         enter); a diagnostic snapshot, O(table size)
     */
    public long inFlight() {
        long n = 0;
        for (Table t = table; t != null; t = t.previous) {
            n += t.overflow.get();
            for (int i = t.base, end = t.base + t.capacity; i < end; i++) {
                if (t.slots.get(i) != 0L) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Kills the gate and drains it: from the moment this is called every new entry fails with
     * {@code ENODEV}; then waits until no entry admitted before is still inside, or the deadline
     * passes.
     *
     * <p>Context: may block up to {@code deadline}; must not be called while the calling thread
     * holds an unbroken entry of this gate (see {@link Guard#breakProtection()}). Holds no lock.
     * Several threads may kill the same gate: all of them wait, exactly one report says it
     * {@linkplain DrainReport#initiator() initiated} the kill. Interrupts do not abandon the
     * drain (a half-done removal is worse than a late one); the interrupt status is restored on
     * return. A kill after the deadline passed may be repeated to wait again.
     *
     * @param deadline how long to wait for the entries inside; zero or negative means just look
     * @param owner    the class loader of the owner's code (a driver bundle's loader), used to
     *                 point at the first frame of owner code in each thread still inside; may be
     *                 {@code null}
     * @return the outcome; when not drained it names the threads still inside. The report holds
     *         those threads strongly: log it, do not keep it.
     * @throws DriverModelException {@code EINVAL} if the calling thread is inside this gate
     *         without having broken its protection (nothing is changed then)
     */
    public DrainReport kill(Duration deadline, ClassLoader owner) {
        Objects.requireNonNull(deadline, "deadline");
        long start = System.nanoTime();
        long budget = Deadline.nanos(deadline);
        Thread me = Thread.currentThread();
        if (holdsEntry(me)) {
            throw new DriverModelException(Errno.EINVAL, name,
                    "kill from inside the gate would wait for itself; call breakProtection() first");
        }
        boolean initiator = STATE.compareAndSet(this, GateState.LIVE, GateState.DYING);
        killers.add(me);
        boolean interrupted = false;
        try {
            long park = MIN_PARK_NANOS;
            for (;;) {
                if (inFlight() == 0) {
                    STATE.compareAndSet(this, GateState.DYING, GateState.DEAD);
                    return DrainReport.drained(name, initiator, Duration.ofNanos(System.nanoTime() - start));
                }
                long left = budget - (System.nanoTime() - start);
                if (left <= 0) {
                    return timedOut(initiator, start, owner);
                }
                LockSupport.parkNanos(this, Math.min(park, left));
                park = Math.min(park << 1, MAX_PARK_NANOS);
                interrupted |= Thread.interrupted();
            }
        } finally {
            killers.remove(me);
            if (interrupted) {
                me.interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "ActiveGate[" + name + ", " + state + "]";
    }

    // ---- the slot protocol ------------------------------------------------------------------

    /**
     * Occupies a slot with a new stamp of the calling thread, then checks the state; backs out if
     * the gate is not live. The guard, if any, is built by the caller after this returns, so that
     * it is passed to no method.
     *
     * @return the stamp counting the entry, or {@code 0} if the gate is not live and the entry
     *         was backed out
     */
    private long admit(long[] self) {
        long stamp = occupy(self, nextIdentity(self));
        if (state == GateState.LIVE) {
            return stamp;
        }
        if (vacate(stamp, null)) {
            exited();
        }
        return 0L;
    }

    /**
     * Counts an entry of the given identity (thread key and sequence number): in a free slot,
     * else in the biggest table's overflow counter. Returns its stamp: the identity plus where
     * it is counted.
     */
    private long occupy(long[] self, long identity) {
        Table t = table;
        if (t == null) {
            t = firstTable();
        }
        int home = (int) self[PROBE];
        for (;;) {
            int mask = t.capacity - 1;
            int start = (home & (t.stripes - 1)) << STRIDE_SHIFT;
            long generation = identity | (long) t.generation << GEN_SHIFT;
            boolean crowded = false;
            for (int i = 0; i < t.capacity; i++) {
                int index = t.base + ((start + i) & mask);
                long other = t.slots.getPlain(index); // a hint only; the CAS decides
                if (other == 0L) {
                    long stamp = generation | (long) index << INDEX_SHIFT;
                    if (t.slots.compareAndSet(index, 0L, stamp)) {
                        Thread me = Thread.currentThread();
                        if (t.owners.getPlain(index) != me) { // rare: the slot changes hands
                            t.owners.setRelease(index, me);
                        }
                        if (crowded) { // others in our way: try another stripe next time, and more stripes
                            self[PROBE] = rehash(home);
                            grow(t);
                        }
                        return stamp;
                    }
                    crowded = true;
                } else if ((other ^ identity) >>> 32 != 0) { // another thread's entry
                    crowded = true;
                }
            }
            Table bigger = grow(t);
            if (bigger == t) {
                t.overflow.incrementAndGet();
                return generation | (long) OVERFLOW << INDEX_SHIFT;
            }
            t = bigger;
        }
    }

    /**
     * Releases an entry's count if it still holds it; true for the one call that released it.
     * {@code claim} is an overflowed entry's guard's claim, or {@code null} for an entry backing
     * out (which happens once).
     */
    private boolean vacate(long stamp, AtomicBoolean claim) {
        int generation = (int) (stamp >>> GEN_SHIFT) & 0x7;
        Table t = table;
        while (t.generation != generation) { // nearly always the current table
            t = t.previous;
        }
        if (!isOverflow(stamp)) {
            return t.slots.compareAndSet((int) (stamp >>> INDEX_SHIFT & INDEX_MASK), stamp, 0L);
        }
        if (claim == null || claim.compareAndSet(false, true)) {
            t.overflow.decrementAndGet();
            return true;
        }
        return false;
    }

    private static boolean isOverflow(long stamp) {
        return (stamp >>> INDEX_SHIFT & INDEX_MASK) == OVERFLOW;
    }

    /** Releases a guard's entry (see {@link #vacate}) and, if this call released it, wakes killers. */
    private void leave(long stamp, AtomicBoolean claim) {
        if (vacate(stamp, claim)) {
            exited();
        }
    }

    /** After a vacate: wakes killers if the gate is going. */
    private void exited() {
        if (state == GateState.LIVE) {
            return;
        }
        if (!killers.unparkAll() && state == GateState.DYING && inFlight() == 0) {
            STATE.compareAndSet(this, GateState.DYING, GateState.DEAD); // a kill timed out earlier
        }
    }

    private Table firstTable() {
        Table t = new Table(1, null);
        return TABLE.compareAndSet(this, null, t) ? t : table;
    }

    /** Replaces t by a table with twice the stripes; answers the current table (t if at the maximum). */
    private Table grow(Table t) {
        if (t.stripes >= MAX_STRIPES) {
            return t;
        }
        Table bigger = new Table(t.stripes << 1, t);
        return TABLE.compareAndSet(this, t, bigger) ? bigger : table;
    }

    private boolean holdsEntry(Thread thread) {
        long key = key(thread);
        for (Table t = table; t != null; t = t.previous) {
            for (int i = t.base, end = t.base + t.capacity; i < end; i++) {
                long stamp = t.slots.get(i);
                if (stamp != 0L && (stamp >>> 32) == key) {
                    return true;
                }
            }
        }
        return false;
    }

    private DrainReport timedOut(boolean initiator, long start, ClassLoader owner) {
        Map<Thread, Integer> byThread = new LinkedHashMap<>();
        Map<Long, Thread> live = null; // by key, built only if an owner cell is stale
        long unattributed = 0;
        for (Table t = table; t != null; t = t.previous) {
            unattributed += t.overflow.get();
            for (int i = t.base, end = t.base + t.capacity; i < end; i++) {
                long stamp = t.slots.get(i);
                if (stamp == 0L) {
                    continue;
                }
                Thread thread = t.owners.getAcquire(i);
                if (thread == null || key(thread) != stamp >>> 32) { // raced with the slot changing hands
                    if (live == null) {
                        live = new HashMap<>();
                        for (Thread l : Thread.getAllStackTraces().keySet()) {
                            live.put(key(l), l);
                        }
                    }
                    thread = live.get(stamp >>> 32);
                }
                if (thread == null) { // died inside the gate
                    unattributed++;
                } else {
                    byThread.merge(thread, 1, Integer::sum);
                }
            }
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        if (byThread.isEmpty() && unattributed == 0) { // they all left while we looked
            STATE.compareAndSet(this, GateState.DYING, GateState.DEAD);
            return DrainReport.drained(name, initiator, waited);
        }
        return DrainReport.timedOut(name, initiator, waited, byThread, unattributed, owner);
    }

    /** @return the calling thread's entry state (see {@link #SELF}) */
    private static long[] self() {
        long[] p = SELF.get();
        if (p == null) {
            Thread me = Thread.currentThread();
            long h = me.getId(); // MurmurHash3's finalizer spreads sequential ids
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 33;
            p = new long[3];
            p[PROBE] = (int) h == 0 ? 1 : (int) h;
            p[KEY] = key(me) << 32;
            SELF.set(p);
        }
        return p;
    }

    /** @return the calling thread's key and a new, non-zero sequence number: a stamp without its place */
    private static long nextIdentity(long[] self) {
        long seq = (self[SEQ] + 1) & SEQ_MASK;
        if (seq == 0) {
            seq = 1; // keeps every stamp non-zero, even for a thread whose key is zero
        }
        self[SEQ] = seq;
        return self[KEY] | seq;
    }

    /** @return the thread's key: the low half of its id (ids are sequential; aliasing needs 2^32 threads) */
    private static long key(Thread thread) {
        return thread.getId() & 0xFFFF_FFFFL;
    }

    /** Moves a probe to another stripe (xorshift, as LongAdder's advanceProbe); never yields zero. */
    private static int rehash(int h) {
        h ^= h << 13;
        h ^= h >>> 17;
        h ^= h << 5;
        return h;
    }

    private static int ceilingPowerOfTwo(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** One generation of the slot table. Immutable but for its slots, owners and overflow counter. */
    private static final class Table {
        final AtomicLongArray slots; /* slot i: the stamp of the entry occupying it, or 0; CAS 0->stamp on entry, stamp->0 on exit */
        final AtomicReferenceArray<Thread> owners; /* owner i: the last thread that took slot i; written (release) after the CAS when it changes; may lag the slot */
        final AtomicLong overflow = new AtomicLong(); /* entries that found every slot taken */
        final int stripes;   // a power of two
        final int generation; // log2(stripes): names this table in a stamp
        final int capacity;  // usable slots: stripes * STRIDE
        final int base;      // first usable slot: one stripe of padding keeps the array header
                             // (read by every bounds check) off stripe 0's lines when striped
        final Table previous; // the table this one replaced; entries may still sit in it

        Table(int stripes, Table previous) {
            this.stripes = stripes;
            this.generation = Integer.numberOfTrailingZeros(stripes);
            this.capacity = stripes << STRIDE_SHIFT;
            this.base = stripes == 1 ? 0 : STRIDE;
            int length = stripes == 1 ? capacity : capacity + 2 * STRIDE;
            this.slots = new AtomicLongArray(length);
            this.owners = new AtomicReferenceArray<>(length);
            this.previous = previous;
        }
    }

    /**
     * One entry into an {@link ActiveGate}: while it is open the owner's code may run. Close it
     * exactly where the call into the owner ends; closing again is harmless.
     *
     * <p>Context: belongs to the entering thread (see the gate's thread-safety note).
     */
    public static final class Guard implements AutoCloseable {

        // the phase is a byte, not an enum, to keep close() within the JIT's inlining size for
        // cold call sites (35 bytecodes, e.g. try-with-resources' exception path): a close()
        // left as a call makes the guard escape
        private static final byte INSIDE = 0, BROKEN = 1, CLOSED = 2;
        private static final String[] PHASES = { "INSIDE", "BROKEN", "CLOSED" };

        private final ActiveGate gate;
        private final Thread thread;
        private final long stamp;          /* the entry's stamp (names its table and slot) */
        private final AtomicBoolean claim; /* overflowed entries only: set by the one exit that counts */
        private byte phase = INSIDE; /* confined to the thread using the guard */

        private Guard(ActiveGate gate, long stamp, AtomicBoolean claim) {
            this.gate = gate;
            this.thread = Thread.currentThread();
            this.stamp = stamp;
            this.claim = claim;
        }

        /** @return the gate this guard entered */
        public ActiveGate gate() {
            return gate;
        }

        /**
         * Leaves the gate (unless protection is broken, in which case it was left already). Safe
         * to call more than once, and never throws.
         */
        @Override
        public void close() {
            if (phase == INSIDE) {
                gate.leave(stamp, claim);
            }
            phase = CLOSED;
        }

        /**
         * Drops this entry while the caller goes on running, so that a kill of this very gate
         * started by the caller (self-removal) does not wait for the caller. After this the
         * caller must not rely on the owner staying alive except through other means (a
         * reference it holds).
         *
         * @throws DriverModelException {@code EINVAL} if this guard is not inside
         */
        public void breakProtection() {
            if (phase != INSIDE) {
                throw new DriverModelException(Errno.EINVAL, gate.name, "breakProtection() on a guard that is " + PHASES[phase]);
            }
            gate.leave(stamp, claim);
            phase = BROKEN;
        }

        @Override
        public String toString() {
            return "Guard[" + gate.name + ", " + PHASES[phase] + ", " + thread.getName() + "]";
        }
    }
}
