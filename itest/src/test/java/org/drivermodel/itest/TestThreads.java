package org.drivermodel.itest;

import static org.drivermodel.itest.Waits.DEADLINE_SECONDS;
import static org.junit.Assert.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The threads a test starts to stand inside driver code or to race it: named, daemon (a thread
 * a failed test leaves blocked in a driver does not keep the framework alive), and each joined
 * within {@link Waits#DEADLINE_SECONDS}.
 *
 * <p>A body's failure fails the test: it is recorded, not thrown on the thread (where JUnit
 * would never see it), and rethrown by {@link #join}, {@link #joinAll} and {@link #awaitAll}
 * (the first failure recorded, naming its thread). The same convention as the unit tests'
 * {@code Bounded.Worker} (in the lifetime module's test jar).
 */
final class TestThreads {

    /** What a thread runs. */
    interface Body {
        void run() throws Exception;
    }

    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    /** The failures, in the order they were recorded; a thread records at most one. */
    private final List<AssertionError> failures = new CopyOnWriteArrayList<>();
    private final Map<Thread, AssertionError> failureOf = new ConcurrentHashMap<>();

    /** @return the started thread */
    Thread start(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) { // recorded for the test's thread: thrown here, it would be lost
                AssertionError failure = new AssertionError(name + " failed: " + e, e);
                failureOf.put(Thread.currentThread(), failure);
                failures.add(failure);
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    /** Fails unless the thread ends within the deadline, or if its body failed. */
    void join(Thread t) throws InterruptedException {
        t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(t.getName() + " finished within " + DEADLINE_SECONDS + " s", t.isAlive());
        AssertionError failure = failureOf.get(t);
        if (failure != null) {
            throw failure;
        }
    }

    /** Fails unless every thread started ends within the deadline; then rethrows the first failure recorded. */
    void joinAll() throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            assertFalse(t.getName() + " finished within " + DEADLINE_SECONDS + " s", t.isAlive());
        }
        rethrowFirstFailure();
    }

    /**
     * For a test's tear-down: gives each thread the deadline to end (a thread still running is not
     * a failure here: a failed test may leave one blocked), then rethrows the first failure recorded.
     */
    void awaitAll() throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        }
        rethrowFirstFailure();
    }

    private void rethrowFirstFailure() {
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }
}
