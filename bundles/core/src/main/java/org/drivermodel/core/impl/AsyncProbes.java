package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.lifetime.primitives.Deadline;
import org.osgi.service.log.Logger;

/**
 * The core's probe threads (Linux's async probe domain): probes of drivers that prefer
 * asynchronous probing run here, so that a bus adding devices is not held up by slow probes.
 * Each task takes the device lock itself, exactly as a synchronous probe does, so the binding
 * rules (claims, a dying driver refusing claims, a removed device refusing probes) are the same.
 *
 * <p>Concurrency: {@link #pending} counts tasks submitted and not finished; it is changed
 * under this object's monitor, which {@link #await} waits on. The monitor is never held while a
 * task runs. The threads are daemons with no context class loader, so that an idle thread pins
 * no driver bundle's loader; they are made at once by the core and kept.
 */
final class AsyncProbes {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Logger log;
    private final ThreadPoolExecutor executor;
    private int pending; /* guarded by this */

    AsyncProbes(Logger log, int threads) {
        this.log = log;
        this.executor = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "drivermodel-async-probe-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
        // made now, in the core's activation, and kept: a thread made lazily would be made in
        // whatever thread submitted first (a driver bundle's), inheriting its access control
        // context and inheritable thread-locals, which could keep that bundle's loader reachable
        executor.prestartAllCoreThreads();
    }

    /** Runs the probe task on a probe thread; once shut down, in the caller's thread. */
    void submit(Runnable task) {
        synchronized (this) {
            pending++;
        }
        try {
            executor.execute(() -> run(task));
        } catch (RejectedExecutionException e) { // shut down: the core is stopping
            run(task);
        }
    }

    private void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | LinkageError e) { // a task contains driver failures itself; this is a core bug
            log.error("asynchronous probe failed: {}", e.toString(), e);
        } finally {
            synchronized (this) {
                if (--pending == 0) {
                    notifyAll();
                }
            }
        }
    }

    /** @return true once no task is queued or running, false if the timeout passed first */
    boolean await(Duration timeout) {
        long end = System.nanoTime() + Deadline.nanos(timeout); // wraps for a huge timeout: only end - now is used
        boolean interrupted = false;
        synchronized (this) {
            try {
                while (pending > 0) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                return true;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Stops taking tasks; queued ones still run. Context: the core stopping. */
    void shutdown() {
        executor.shutdown();
    }
}
