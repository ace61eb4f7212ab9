package org.drivermodel.block.impl;

import java.time.Duration;

import org.drivermodel.lifetime.DrainReport;

/**
 * What a queue's kill found: whether the driver's handler calls drained in time (else the
 * threads still inside and their driver frames), and how many requests it had to complete itself.
 *
 * @param disk    the disk
 * @param calls   the drain of the handler calls
 * @param aborted requests the queue completed with EIO because the driver had not
 * @param took    how long the kill took
 */
record KillReport(String disk, DrainReport calls, int aborted, Duration took) {

    /** @return true if nothing was left to the deadline */
    boolean clean() {
        return calls.drained() && aborted == 0;
    }

    @Override
    public String toString() {
        return "disk " + disk + " removed in " + took.toMillis() + " ms: "
                + (calls.drained() ? "handler calls drained" : calls.toString())
                + (aborted == 0 ? "" : "; " + aborted + " request(s) the driver had not completed were aborted with EIO");
    }
}
