package org.drivermodel.storm.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.drivermodel.testkit.TestHooks;

/**
 * The storm's {@link TestHooks}: the test drivers report through it every call into a generation
 * of theirs after its deactivation, or into a device's handler after its removal. Their
 * {@code show} is counted and never blocked.
 *
 * <p>Concurrency: called from any thread; counters are atomics, {@link #lateCalls} is guarded by
 * itself.
 */
final class StormHooks implements TestHooks {
    /** How many late calls are kept for the report (all are counted). */
    static final int KEPT = 20;

    private final AtomicLong shows = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final List<String> lateCalls = new ArrayList<>(); /* guarded by itself */

    @Override
    public void show(long generation, String path) {
        shows.incrementAndGet();
    }

    @Override
    public void lateCall(long generation, String what) {
        late.incrementAndGet();
        synchronized (lateCalls) {
            if (lateCalls.size() < KEPT) {
                lateCalls.add("generation " + generation + ": " + what);
            }
        }
    }

    long shows() {
        return shows.get();
    }

    long lateCount() {
        return late.get();
    }

    List<String> lateCalls() {
        synchronized (lateCalls) {
            return List.copyOf(lateCalls);
        }
    }
}
