package org.drivermodel.core.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.drivermodel.lifetime.primitives.OwnerFrames;

/**
 * Finds the threads still running a bundle's code after the bundle stopped: a thread the bundle
 * started and never stopped, or one stuck in its code. Which frames are the bundle's the caller's
 * {@link OwnerFrames} says (for a stopped bundle: its class files, lambdas counting as their
 * class, so nothing is loaded).
 *
 * <p>Concurrency: stateless; a scan works on a snapshot of the stacks and holds no lock.
 */
final class StrayThreads {
    /** How many frames of a stray thread a report shows: enough to see what it waits for. */
    static final int FRAMES_SHOWN = 12;

    private StrayThreads() {
    }

    /**
     * A thread found running the bundle's code.
     *
     * @param name  the thread's name
     * @param id    its id
     * @param state its state when scanned
     * @param frame its innermost frame of the bundle's code
     * @param stack its stack, innermost first
     */
    record Stray(String name, long id, Thread.State state, StackTraceElement frame, List<StackTraceElement> stack) {
        Stray {
            stack = List.copyOf(stack);
        }

        /** @return the report text: the thread, where it is in the bundle's code, its first frames */
        String describe() {
            StringBuilder sb = new StringBuilder("\"").append(name).append("\" (id ").append(id).append(", ")
                    .append(state).append(frame == null
                            ? "), no frame of bundle code (idle: its context class loader or its class is the bundle's)"
                            : "), in bundle code at " + frame);
            int shown = Math.min(FRAMES_SHOWN, stack.size());
            for (int i = 0; i < shown; i++) {
                sb.append("\n      at ").append(stack.get(i));
            }
            if (shown < stack.size()) {
                sb.append("\n      ... ").append(stack.size() - shown).append(" more");
            }
            return sb.toString();
        }
    }

    /**
     * @param stacks  the live threads' stacks (as {@link Thread#getAllStackTraces()})
     * @param bundle  the bundle's frames
     * @param ignored a thread not to report (the one doing the scan)
     * @return the threads with a frame of the bundle's code, by thread name
     */
    static List<Stray> scan(Map<Thread, StackTraceElement[]> stacks, OwnerFrames bundle, Thread ignored) {
        return scan(stacks, bundle, t -> false, ignored);
    }

    /**
     * As {@link #scan(Map, OwnerFrames, Thread)}, and also reports a thread with no frame of the
     * bundle that {@code ownsThread} says is the bundle's (its context class loader or its class is
     * the bundle's: an idle executor worker the bundle started).
     */
    static List<Stray> scan(Map<Thread, StackTraceElement[]> stacks, OwnerFrames bundle,
            Predicate<Thread> ownsThread, Thread ignored) {
        List<Stray> found = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : stacks.entrySet()) {
            Thread t = e.getKey();
            if (t == ignored) {
                continue;
            }
            List<StackTraceElement> stack = Arrays.asList(e.getValue());
            StackTraceElement owned = bundle.firstIn(stack).orElse(null);
            if (owned != null || ownsThread.test(t)) {
                found.add(new Stray(t.getName(), t.getId(), t.getState(), owned, stack));
            }
        }
        found.sort((a, b) -> a.name().equals(b.name()) ? Long.compare(a.id(), b.id()) : a.name().compareTo(b.name()));
        return found;
    }
}
