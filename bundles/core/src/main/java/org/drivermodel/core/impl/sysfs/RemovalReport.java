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
 * keep it.
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
public record RemovalReport(String path, boolean removedByThisCall, Duration took,
        List<DrainReport> undrained, List<String> unfinished, List<RuntimeException> releaseFailures) {

    /** Copies the lists. */
    public RemovalReport {
        undrained = List.copyOf(undrained);
        unfinished = List.copyOf(unfinished);
        releaseFailures = List.copyOf(releaseFailures);
    }

    /** @return true if nothing of the removed subtree was still running when this call returned */
    public boolean drained() {
        return undrained.isEmpty() && unfinished.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("removal of ").append(path)
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
