package org.drivermodel.core.impl.sysfs;

import java.time.Duration;
import java.util.List;

import org.drivermodel.lifetime.primitives.DrainReport;

/**
 * The outcome of a removal from the attribute tree, for the caller to log. A removal always
 * completes (the nodes are gone, every handle is released, no owner reference is left); what
 * this reports is whether it completed <em>cleanly</em>: callbacks still running past the
 * deadline, concurrent removals of overlapping subtrees that had not finished, release hooks that
 * threw. Immutable. A report that did not drain holds the threads still inside: log it, do not
 * keep it. What it names: the path asked for, or, for a removal by handle, the directory's path,
 * made only when asked (an unplug that drained makes no path string).
 *
 * <p>Its parts:
 *
 * @param path             what was asked to be removed
 * @param removedByThisCall true if this call removed it; false if another removal (a concurrent
 *                          one, or a self-removal) had claimed it and this call waited for it
 * @param took             how long the call took
 * @param undrained        the files whose callbacks were still running at the deadline
 * @param unfinished       the paths of overlapping removals by other threads that had not finished
 *                         by the deadline
 * @param releaseFailures  what release hooks threw
 */
public final class RemovalReport {
    private final String path;  /* null: made from named when asked (a removal by handle makes no path unless shown) */
    private final Node named;
    private final boolean removedByThisCall;
    private final Duration took;
    private final List<DrainReport> undrained;
    private final List<String> unfinished;
    private final List<RuntimeException> releaseFailures;

    /** Copies the lists. */
    public RemovalReport(String path, boolean removedByThisCall, Duration took,
            List<DrainReport> undrained, List<String> unfinished, List<RuntimeException> releaseFailures) {
        this(path, null, removedByThisCall, took, undrained, unfinished, releaseFailures);
    }

    /** A report whose path is {@code named}'s unless {@code path} is given. */
    RemovalReport(String path, Node named, boolean removedByThisCall, Duration took,
            List<DrainReport> undrained, List<String> unfinished, List<RuntimeException> releaseFailures) {
        this.path = path;
        this.named = named;
        this.removedByThisCall = removedByThisCall;
        this.took = took;
        this.undrained = List.copyOf(undrained);
        this.unfinished = List.copyOf(unfinished);
        this.releaseFailures = List.copyOf(releaseFailures);
    }

    /** @return what was asked to be removed */
    public String path() {
        return path != null ? path : named.path();
    }

    /** @return true if this call removed it; false if another removal had claimed it and this call waited for it */
    public boolean removedByThisCall() {
        return removedByThisCall;
    }

    /** @return how long the call took */
    public Duration took() {
        return took;
    }

    /** @return the files whose callbacks were still running at the deadline */
    public List<DrainReport> undrained() {
        return undrained;
    }

    /** @return the paths of overlapping removals by other threads that had not finished by the deadline */
    public List<String> unfinished() {
        return unfinished;
    }

    /** @return what release hooks threw */
    public List<RuntimeException> releaseFailures() {
        return releaseFailures;
    }

    /** @return true if nothing of the removed subtree was still running when this call returned */
    public boolean drained() {
        return undrained.isEmpty() && unfinished.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("removal of ").append(path())
                .append(removedByThisCall ? "" : " (by another caller)")
                .append(": ").append(drained() ? "drained" : "NOT drained")
                .append(" in ").append(took.toMillis()).append(" ms");
        for (DrainReport r : undrained) {
            sb.append("\n").append(r);
        }
        for (String p : unfinished) {
            sb.append("\n  overlapping removal of ").append(p).append(" not finished");
        }
        for (RuntimeException e : releaseFailures) {
            sb.append("\n  release failed: ").append(e);
        }
        return sb.toString();
    }
}
