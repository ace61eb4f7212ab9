package org.drivermodel.block.impl;

import java.time.Duration;
import java.util.List;

/**
 * What a queue's kill found: the threads still inside the driver's handler at the deadline
 * (with their driver frame), and how many requests it had to complete itself.
 *
 * @param disk    the disk
 * @param inside  the threads still inside the handler, described
 * @param aborted requests the queue completed with EIO because the driver had not
 * @param took    how long the kill took
 */
record KillReport(String disk, List<String> inside, int aborted, Duration took) {

    /** Copies the list. */
    KillReport {
        inside = List.copyOf(inside);
    }

    /** @return true if nothing was left to the deadline */
    boolean clean() {
        return inside.isEmpty() && aborted == 0;
    }

    @Override
    public String toString() {
        return "disk " + disk + " removed in " + took.toMillis() + " ms: "
                + (clean() ? "drained" : "NOT drained: " + (inside.isEmpty() ? "" : String.join("; ", inside) + "; ")
                        + aborted + " request(s) the driver had not completed were aborted with EIO");
    }
}
