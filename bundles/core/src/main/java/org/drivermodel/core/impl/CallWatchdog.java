package org.drivermodel.core.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches driver callbacks that must return — a driver's {@code probe} and {@code remove} — and
 * reports one still running when its deadline passes, with its thread's stack (Linux's hung-task
 * detector: "task blocked for more than N seconds"). It does not stop the callback: nothing can
 * stop a thread, and unbinding must not go on while the driver may still touch its device.
 *
 * <h2>Concurrency</h2>
 * Like Linux's detector, it scans rather than arms a timer per call: a callback costs its watch
 * linked into and out of a list, with no other thread woken (a timer task per call took the
 * timer's lock twice and woke its thread, a third of a plug's cost). The watched callbacks are
 * {@value #STRIPES} lists through the watches themselves ({@link Watch#next}, {@link Watch#prev}),
 * each guarded by its own monitor and picked by the watched thread's id, so two threads rarely
 * share one and a watch allocates nothing (a concurrent set's entry was 32 bytes per probe and per
 * remove, issue #19). The scan takes each list's monitor only to read it.
 * One daemon scanner thread (made with the watchdog, as Linux starts khungtaskd at boot, and kept
 * until {@link #shutdown}; made at the first watch, it cost that call a thread start, up to a few
 * milliseconds on a 2-core VM: more than a thousand plugs, issue #19) scans while
 * something is watched: each scan reports the entries past their deadline and schedules the next
 * at the earliest deadline left, at most {@link #MAX_SCAN} later, so a report comes at most that long after its deadline. When a scan finds nothing watched
 * it stops: it clears {@link #scanning}, then looks at the lists again, and the thread that links a
 * watch looks at the flag after it released the list's monitor (a volatile read after the release, a
 * volatile write before the scan's acquire: one of them sees the other), so one of them always restarts it.
 * {@link Watch#fired} is set by the scan before it reports, so the watched thread, after close,
 * knows whether its callback was reported. A closed watch is out of its list: the watchdog keeps
 * nothing of a callback that returned. A watch is one object, the caller's own (the driver
 * core's frame of the call is its watch: {@link DriverCall.Frame}); its flag is a field compared
 * and set through a VarHandle. The scan holds no lock and calls no driver code.
 */
final class CallWatchdog {
    /** The longest a report may come after its deadline. */
    static final Duration MAX_SCAN = Duration.ofMillis(250);

    private static final VarHandle FIRED;

    static {
        try {
            FIRED = MethodHandles.lookup().findVarHandle(Watch.class, "fired", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The number of lists of watches, a power of two. */
    static final int STRIPES = 16;

    /** One list of watches: its monitor guards it and the links of the watches in it. */
    private static final class Stripe {
        Watch first; /* guarded by this */
        int size;    /* guarded by this */
    }

    private final ScheduledThreadPoolExecutor scanner;
    private final Stripe[] stripes = new Stripe[STRIPES]; /* fixed; each guarded by itself */
    private final AtomicBoolean scanning = new AtomicBoolean(); /* true while a scan is scheduled or running */

    CallWatchdog() {
        scanner = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "drivermodel-watchdog");
            t.setDaemon(true);
            // made on the thread that makes the core (or, after a shutdown race, a watched
            // call's, which may carry a driver's loader): the core's thread keeps no loader
            t.setContextClassLoader(null);
            return t;
        });
        scanner.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
        scanner.prestartCoreThread();
    }

    /**
     * A callback past its deadline.
     *
     * @param thread the thread running it
     * @param state  that thread's state at the deadline
     * @param stack  its stack at the deadline, innermost first
     * @param waited how long it had run
     */
    record Overdue(Thread thread, Thread.State state, List<StackTraceElement> stack, Duration waited) {
        Overdue {
            stack = List.copyOf(stack);
        }
    }

    /**
     * One watched callback, in a list from {@link #watch(Watch, Duration)} to {@link #unwatch}:
     * the caller's object, which says what its report does.
     */
    abstract static class Watch {
        private Thread thread; /* written by watch() before its list's monitor publishes it, read by the scan after */
        private long due;      /* the same: System.nanoTime() at the deadline */
        private long deadline; /* the same: how long it may run, in nanoseconds */
        private Stripe stripe; /* the same: its list, null when not watched */
        private Watch prev;    /* guarded by its stripe */
        private Watch next;    /* guarded by its stripe */
        private volatile boolean fired; /* set once by the scan, through FIRED */

        /** Reports the callback past its deadline. Context: the scanner thread, once, no lock held. */
        abstract void overdue(Overdue overdue);

        /** @return true if the scan reported it: the callback ran past its deadline */
        final boolean fired() {
            return fired;
        }
    }

    /**
     * Starts watching a callback the current thread is about to run.
     *
     * @param watch    the caller's watch, not watched now; its report runs on the scanner thread, once
     * @param deadline how long it may run
     */
    void watch(Watch watch, Duration deadline) {
        watch.thread = Thread.currentThread();
        watch.deadline = deadline.toNanos();
        watch.due = System.nanoTime() + watch.deadline;
        Stripe s = stripes[(int) watch.thread.getId() & (STRIPES - 1)];
        synchronized (s) {
            watch.stripe = s;
            watch.prev = null;
            watch.next = s.first;
            if (s.first != null) {
                s.first.prev = watch;
            }
            s.first = watch;
            s.size++;
        }
        if (!scanning.get() && scanning.compareAndSet(false, true)) {
            schedule(watch.deadline);
        }
    }

    /** The callback returned: it is no longer watched. */
    void unwatch(Watch watch) {
        Stripe s = watch.stripe;
        if (s == null) {
            return; // not watched
        }
        synchronized (s) {
            if (watch.stripe != s) {
                return; // unwatched already, or cleared by a shutdown
            }
            if (watch.prev == null) {
                s.first = watch.next;
            } else {
                watch.prev.next = watch.next;
            }
            if (watch.next != null) {
                watch.next.prev = watch.prev;
            }
            watch.prev = null;
            watch.next = null;
            watch.stripe = null;
            s.size--;
        }
    }

    /** @return how many callbacks are watched now */
    int running() {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                n += s.size;
            }
        }
        return n;
    }

    /** @return true while a scan is scheduled: something is watched, or was at the last scan */
    boolean scanning() {
        return scanning.get();
    }

    private void schedule(long delayNanos) {
        long delay = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(delayNanos, MAX_SCAN.toNanos()));
        try {
            scanner.schedule(this::scan, delay, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shut down: nothing is watched any more
        }
    }

    private void scan() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        boolean any = false;
        List<Watch> overdue = null;
        for (Stripe s : stripes) {
            synchronized (s) {
                for (Watch w = s.first; w != null; w = w.next) {
                    any = true;
                    long left = w.due - now;
                    if (left > 0) {
                        next = Math.min(next, left);
                    } else if (FIRED.compareAndSet(w, false, true)) {
                        // fired under the monitor unwatch takes: once unwatch returned, fired() says
                        // for good whether this call is reported
                        overdue = overdue == null ? new ArrayList<>() : overdue;
                        overdue.add(w);
                    }
                }
            }
        }
        // reported with no monitor held: a report takes the thread's stack and logs
        for (int i = 0; overdue != null && i < overdue.size(); i++) {
            Watch w = overdue.get(i);
            w.overdue(new Overdue(w.thread, w.thread.getState(), Arrays.asList(w.thread.getStackTrace()),
                    Duration.ofNanos(w.deadline)));
        }
        if (any) {
            schedule(next);
            return;
        }
        scanning.set(false);
        if (running() > 0 && scanning.compareAndSet(false, true)) {
            schedule(MAX_SCAN.toNanos());
        }
    }

    /** Stops the scanner; callbacks still watched report nothing. Context: the core stopping. */
    void shutdown() {
        scanner.shutdownNow();
        for (Stripe s : stripes) {
            synchronized (s) {
                for (Watch w = s.first; w != null;) {
                    Watch next = w.next;
                    w.prev = null;
                    w.next = null;
                    w.stripe = null;
                    w = next;
                }
                s.first = null;
                s.size = 0;
            }
        }
    }
}
