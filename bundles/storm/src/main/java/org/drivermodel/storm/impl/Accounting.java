package org.drivermodel.storm.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The storm's books: every request (a block request submitted through a disk handle, the open
 * of a handle, an attribute read or write) is entered when it starts and must end exactly once,
 * successfully or with an error. A request still open at the end is lost; one ended a second
 * time is a duplicate. An error whose code is not among those the request may end with
 * (ENODEV, EIO, ENOENT as the device goes) is counted as failed and kept as unexpected; so is a
 * request that returned what it never may ({@link #endWrong}: a read of a file whose show always
 * throws, say).
 *
 * <p>Concurrency: lock-free. {@link #pending} is a concurrent map; whoever removes an entry ends
 * that request, so of two racing ends exactly one counts as the end and the other as a duplicate.
 * The counters are atomics; {@link #unexpected} is guarded by itself.
 */
final class Accounting {
    /** How many unexpected errors are kept for the report (all are counted). */
    static final int KEPT_UNEXPECTED = 20;

    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong unexpectedCount = new AtomicLong();
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final List<String> unexpected = new ArrayList<>(); /* guarded by itself */

    private record Pending(String what, Set<Errno> expected) {
    }

    /**
     * Enters a request.
     *
     * @param what     what it is, for reports
     * @param expected the codes it may fail with
     * @return its id, for {@link #end}
     */
    long begin(String what, Set<Errno> expected) {
        long id = ids.incrementAndGet();
        requests.incrementAndGet();
        pending.put(id, new Pending(what, expected));
        return id;
    }

    /**
     * Ends a request.
     *
     * @param id    its id
     * @param error null for success, else why it failed (a {@link CompletionException} or
     *              {@link ExecutionException} is unwrapped)
     */
    void end(long id, Throwable error) {
        Pending p = pending.remove(id);
        if (p == null) {
            duplicated.incrementAndGet();
            return;
        }
        if (error == null) {
            ok.incrementAndGet();
            return;
        }
        failed.incrementAndGet();
        Throwable cause = unwrap(error);
        if (!(cause instanceof DriverModelException dme) || !p.expected.contains(dme.errno())) {
            unexpected(p.what + ": " + cause);
        }
    }

    /**
     * Ends a request that returned, but with what it must never return: it counts as failed, and
     * as unexpected.
     *
     * @param id  its id
     * @param why what it returned, and what it should have
     */
    void endWrong(long id, String why) {
        Pending p = pending.remove(id);
        if (p == null) {
            duplicated.incrementAndGet();
            return;
        }
        failed.incrementAndGet();
        unexpected(p.what + ": " + why);
    }

    private void unexpected(String what) {
        unexpectedCount.incrementAndGet();
        synchronized (unexpected) {
            if (unexpected.size() < KEPT_UNEXPECTED) {
                unexpected.add(what);
            }
        }
    }

    /**
     * Waits until every request has ended, or the deadline passes.
     *
     * @return true if none is open
     */
    boolean awaitQuiet(long timeout, TimeUnit unit) throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        while (!pending.isEmpty()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(5); // polling with a deadline: completions come from the drivers' threads
        }
        return true;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    long requests() {
        return requests.get();
    }

    long ok() {
        return ok.get();
    }

    long failed() {
        return failed.get();
    }

    long duplicated() {
        return duplicated.get();
    }

    /** @return the requests entered and not ended */
    long open() {
        return pending.size();
    }

    /** @return what the first open requests are, for the report */
    List<String> openRequests(int max) {
        return pending.values().stream().limit(max).map(Pending::what).toList();
    }

    long unexpectedCount() {
        return unexpectedCount.get();
    }

    List<String> unexpected() {
        synchronized (unexpected) {
            return List.copyOf(unexpected);
        }
    }
}
