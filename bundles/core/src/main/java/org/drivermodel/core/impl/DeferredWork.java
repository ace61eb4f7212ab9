package org.drivermodel.core.impl;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.log.Logger;

/**
 * The core's deferred-work thread (Linux's {@code system_wq} as {@code device_schedule_callback}
 * used it): work a driver asked for from inside its own probe or remove — removing its own
 * device — runs here, and takes the device locks once the callback has returned.
 *
 * <p>Concurrency: one daemon thread, made when the core activates (so it inherits nothing of a
 * driver bundle) and with no context class loader; tasks run in submission order. A task holds
 * core objects only; it is the core's own code and contains its own failures.
 */
final class DeferredWork {
    private final Logger log;
    private final ThreadPoolExecutor executor;

    DeferredWork(Logger log) {
        this.log = log;
        this.executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "drivermodel-deferred");
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
        executor.prestartAllCoreThreads();
    }

    /** Queues a task; once shut down (the core stopping), it is dropped and logged. */
    void submit(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (Throwable t) { // a core bug: the next task still runs
                    log.error("deferred work failed: {}", DriverCall.describe(t));
                }
            });
        } catch (RejectedExecutionException e) {
            log.warn("deferred work dropped: the core is stopping");
        }
    }

    /** Runs what is queued, then stops. Context: the core stopping. */
    void shutdown() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS); // bounded: queued removals are short, a stuck one is reported
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
