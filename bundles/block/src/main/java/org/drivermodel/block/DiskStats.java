package org.drivermodel.block;

/**
 * A disk's request counters. Every submitted request is, once completed, counted in exactly
 * one of {@code succeeded} and {@code failed}; {@code aborted} are the failed ones the block
 * layer completed itself when the disk went.
 *
 * @param submitted          requests accepted into the queue
 * @param succeeded          completed successfully
 * @param failed             completed with an error (including aborted)
 * @param inFlight           submitted and not completed yet
 * @param aborted            completed with EIO by the block layer at the disk's removal
 * @param ignoredCompletions completions after the first (double completions, or completions
 *                           of requests already aborted): ignored and logged
 * @param handlerFailures    calls of the driver's handler that threw
 */
public record DiskStats(long submitted, long succeeded, long failed, long inFlight, long aborted,
        long ignoredCompletions, long handlerFailures) {
}
