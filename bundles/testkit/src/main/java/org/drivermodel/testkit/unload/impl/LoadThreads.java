package org.drivermodel.testkit.unload.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load's threads: daemon threads that run their body until told to end.
 *
 * <p>Concurrency: {@link #start} and {@link #endAndJoin} are called by the proof's thread only
 * (the thread list is confined to it); the load threads read the volatile {@code ending} flag
 * between operations.
 */
public final class LoadThreads {
    private final List<Thread> threads = new ArrayList<>(); /* confined to the proof's thread */
    private volatile boolean ending;                        /* written by the proof, read by the load */

    /** @return whether the load threads should end */
    public boolean ending() {
        return ending;
    }

    /** Starts a load thread running {@code body} (which loops until {@link #ending()}). */
    public void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /**
     * Tells the load threads to end and waits for them.
     *
     * @param deadline how long to wait for all of them together
     * @param frames   where to find the evidence of a thread that does not end
     * @return the threads still running at the deadline, each with where it is; empty if all ended
     */
    public List<String> endAndJoin(Duration deadline, BundleFrames frames) throws InterruptedException {
        ending = true;
        long end = System.nanoTime() + deadline.toNanos();
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            if (t.isAlive()) {
                stuck.add(frames.where(t));
            }
        }
        return stuck;
    }
}
