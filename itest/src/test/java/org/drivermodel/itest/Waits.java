package org.drivermodel.itest;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;

/** Bounded waits and a quiet shell session, shared by the integration tests. */
final class Waits {
    /** How long any wait of a test may take before the test fails. */
    static final long DEADLINE_SECONDS = 30;

    private Waits() {
    }

    /** Polls a condition that another thread makes true, failing at the deadline. */
    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(what + " within " + DEADLINE_SECONDS + " s", System.nanoTime() < end);
            Thread.sleep(1);
        }
    }

    /** Fails unless the latch is counted down within the deadline. */
    static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue("within " + DEADLINE_SECONDS + " s", latch.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
    }

    /** Waits for an I/O request to complete within the deadline; a failed request throws its ExecutionException. */
    static void await(CompletionStage<?> io) throws Exception {
        io.toCompletableFuture().get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * For a hook that holds a driver's thread until the test releases it: waits for the latch, at
     * most twice the deadline (bounded, even if the test fails first); an interrupt ends the wait
     * and is kept.
     */
    static void hold(CountDownLatch release) {
        try {
            release.await(2 * DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the head of the queue, failing unless one is there within the deadline */
    static <T> T poll(BlockingQueue<T> queue) throws InterruptedException {
        T head = queue.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertTrue("an element within " + DEADLINE_SECONDS + " s", head != null);
        return head;
    }

    /**
     * Runs a step on a thread of its own (daemon: one a failed test leaves blocked does not keep
     * the framework alive), failing if it does not finish within the deadline or fails.
     */
    static void within(String what, TestThreads.Body body) throws Exception {
        callWithin(what, () -> {
            body.run();
            return null;
        });
    }

    /** As {@link #within}, returning what the step returns; an {@link Error} of the step is thrown as it is. */
    static <T> T callWithin(String what, Callable<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "within: " + what);
        t.setDaemon(true);
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(what + ": still running after " + DEADLINE_SECONDS + " s", t.isAlive());
        if (failure.get() instanceof Error e) {
            throw e;
        }
        if (failure.get() != null) {
            throw new AssertionError(what + " failed: " + failure.get(), failure.get());
        }
        return result.get();
    }

    /** A shell session on streams of its own (System.out may be the shell's own thread stream). */
    static CommandSession shellSession(CommandProcessor shell) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true);
        return shell.createSession(new ByteArrayInputStream(new byte[0]), sink, sink);
    }
}
