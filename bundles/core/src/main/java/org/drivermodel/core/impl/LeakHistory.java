package org.drivermodel.core.impl;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.drivermodel.api.LifetimeReport.Leak;
import org.osgi.service.log.Logger;

/**
 * The recent leaks the core found and dealt with, for the lifetime report: each is logged as an
 * error when recorded, and the last {@link #CAPACITY} are kept.
 *
 * <p>Concurrency: the monitor of this object guards {@link #leaks}; it is never held while
 * logging.
 */
final class LeakHistory {
    /** How many leaks are kept; older ones are only in the log. */
    static final int CAPACITY = 100;

    private final Logger log;
    private final Clock clock;
    private final Deque<Leak> leaks = new ArrayDeque<>(); /* guarded by this; oldest first */

    LeakHistory(Logger log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** Logs and keeps a leak. */
    void record(Leak.Kind kind, String object, List<String> holders, String detail) {
        Leak leak = new Leak(clock.instant(), kind, object, holders, detail);
        log.error("leak ({}) of {}: {}", kind, object, detail);
        synchronized (this) {
            if (leaks.size() == CAPACITY) {
                leaks.removeFirst();
            }
            leaks.addLast(leak);
        }
    }

    /** @return the kept leaks, oldest first */
    synchronized List<Leak> snapshot() {
        return List.copyOf(leaks);
    }

    /** @return a recorded stack as text, for reports: the throwable, its frames, and its causes' */
    static String stackText(Throwable where) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = where; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(t == where ? "" : "Caused by: ").append(t).append('\n');
            for (StackTraceElement frame : t.getStackTrace()) {
                text.append("\tat ").append(frame).append('\n');
            }
        }
        return text.toString();
    }
}
