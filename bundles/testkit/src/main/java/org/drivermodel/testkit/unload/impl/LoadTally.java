package org.drivermodel.testkit.unload.impl;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * What the load threads saw: operations, expected errors by errno, and the unexpected ones.
 *
 * <p>Concurrency: written by every load thread, read by the proof's thread. The counters are
 * atomic; the unexpected outcomes go to a lock-free queue of which the first {@link #KEPT} are
 * kept (their total is counted). Nothing here is guarded by a lock.
 */
public final class LoadTally {
    /** How many unexpected outcomes are kept as evidence: the first few say what went wrong, the count says how often. */
    static final int KEPT = 20;

    private final Set<Errno> expected;                                  /* immutable */
    private final AtomicLong operations = new AtomicLong();            /* atomic */
    private final Map<Errno, LongAdder> errors = new ConcurrentHashMap<>(); /* concurrent */
    private final Queue<String> unexpected = new ConcurrentLinkedQueue<>(); /* lock-free, at most KEPT */
    private final AtomicLong unexpectedCount = new AtomicLong();       /* atomic */

    /** @param expected the errnos a device going may give */
    public LoadTally(Set<Errno> expected) {
        this.expected = Set.copyOf(expected);
    }

    /** An operation completed successfully. */
    public void ok() {
        operations.incrementAndGet();
    }

    /** An operation failed with {@code e}: expected or not. */
    public void failed(String what, DriverModelException e) {
        operations.incrementAndGet();
        if (expected.contains(e.errno())) {
            errors.computeIfAbsent(e.errno(), k -> new LongAdder()).increment();
        } else {
            unexpected(what + ": " + e);
        }
    }

    /** Something no operation should ever give. */
    public void unexpected(String what) {
        operations.incrementAndGet();
        if (unexpectedCount.incrementAndGet() <= KEPT) {
            unexpected.add(Thread.currentThread().getName() + ": " + what);
        }
    }

    /** @return the operations done so far, failed ones included */
    public long operations() {
        return operations.get();
    }

    /** @return the unexpected outcomes kept, oldest first */
    public List<String> unexpectedOutcomes() {
        return new ArrayList<>(unexpected);
    }

    /** @return how many unexpected outcomes there were */
    public long unexpectedCount() {
        return unexpectedCount.get();
    }

    /** @return a one-line account: operations, expected errors by errno, unexpected */
    public String summary() {
        Map<Errno, Long> byErrno = new EnumMap<>(Errno.class);
        errors.forEach((k, v) -> byErrno.put(k, v.sum()));
        return operations.get() + " operations, expected errors " + byErrno + ", unexpected " + unexpectedCount.get();
    }
}
