package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Watches driver callbacks that must return — a driver's {@code remove} — and reports one still
 * running when its deadline passes, with its thread's stack (Linux's hung-task detector:
 * "task blocked for more than N seconds"). It does not stop the callback: nothing can stop a
 * thread, and unbinding must not go on while the driver may still touch its device.
 *
 * <h2>Concurrency</h2>
 * One daemon timer thread. {@link #watch} schedules a check and returns a {@link Watch}; the
 * watched thread closes it when the callback returns, which cancels the check (a cancelled check
 * is dropped from the queue at once, so it keeps nothing of the driver). A check that runs takes
 * the watched thread's stack and hands it to the caller's report; it holds no lock and calls no
 * driver code. {@link Watch#fired} is set by the check before it reports, so the watched thread,
 * after close, knows whether its callback was reported.
 */
final class RemoveWatchdog {
    private final ScheduledThreadPoolExecutor timer;

    RemoveWatchdog() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "drivermodel-remove-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
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

    /** One watched callback. */
    static final class Watch implements AutoCloseable {
        private final AtomicBoolean fired = new AtomicBoolean(); /* set once by the check */
        private volatile ScheduledFuture<?> check; /* set by watch() before it returns */

        /** @return true if the check ran: the callback was reported overdue */
        boolean fired() {
            return fired.get();
        }

        /** The callback returned: cancels the check if it has not run. */
        @Override
        public void close() {
            ScheduledFuture<?> c = check;
            if (c != null) {
                c.cancel(false);
            }
        }
    }

    /**
     * Starts watching a callback the current thread is about to run.
     *
     * @param deadline how long it may run
     * @param report   what to do if it runs longer; runs on the timer thread, once
     * @return the watch, to close when the callback returns
     */
    Watch watch(Duration deadline, Consumer<Overdue> report) {
        Thread thread = Thread.currentThread();
        Watch w = new Watch();
        w.check = timer.schedule(() -> {
            if (w.fired.compareAndSet(false, true)) {
                report.accept(new Overdue(thread, thread.getState(), Arrays.asList(thread.getStackTrace()), deadline));
            }
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        return w;
    }

    /** Stops the timer; watches still open report nothing. Context: the core stopping. */
    void shutdown() {
        timer.shutdownNow();
    }
}
