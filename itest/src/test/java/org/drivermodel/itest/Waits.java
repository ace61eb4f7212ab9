package org.drivermodel.itest;

import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
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

    /** A shell session on streams of its own (System.out may be the shell's own thread stream). */
    static CommandSession shellSession(CommandProcessor shell) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true);
        return shell.createSession(new ByteArrayInputStream(new byte[0]), sink, sink);
    }
}
