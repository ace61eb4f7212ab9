package org.drivermodel.lifetime.primitives;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads parked waiting for an owner to drain or be released: a copy-on-write array,
 * changed only by the (rare) waiters themselves, read by whoever may end the wait.
 *
 * <p>Protocol: a waiter {@link #add}s itself <em>before</em> checking its condition; whoever
 * changes the condition does so with a volatile write and <em>then</em> calls
 * {@link #unparkAll()}. Both sides being volatile, either the waiter sees the change or the
 * changer sees the waiter, so no wake-up is lost (and a permit given before the waiter parks
 * makes its park return at once).
 */
final class ParkedThreads {

    private static final Thread[] NONE = new Thread[0];
    private static final VarHandle THREADS;

    static {
        try {
            THREADS = MethodHandles.lookup().findVarHandle(ParkedThreads.class, "threads", Thread[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Thread[] threads = NONE; /* copy-on-write, CAS via THREADS */

    void add(Thread t) {
        for (;;) {
            Thread[] w = threads;
            Thread[] n = Arrays.copyOf(w, w.length + 1);
            n[w.length] = t;
            if (THREADS.compareAndSet(this, w, n)) {
                return;
            }
        }
    }

    void remove(Thread t) {
        for (;;) {
            Thread[] w = threads;
            int i = 0;
            while (i < w.length && w[i] != t) {
                i++;
            }
            if (i == w.length) {
                return;
            }
            Thread[] n = w.length == 1 ? NONE : new Thread[w.length - 1];
            System.arraycopy(w, 0, n, 0, i);
            System.arraycopy(w, i + 1, n, i, w.length - i - 1);
            if (THREADS.compareAndSet(this, w, n)) {
                return;
            }
        }
    }

    boolean isEmpty() {
        return threads.length == 0;
    }

    /** @return whether there was anybody to wake */
    boolean unparkAll() {
        Thread[] w = threads;
        for (Thread t : w) {
            LockSupport.unpark(t);
        }
        return w.length > 0;
    }
}
