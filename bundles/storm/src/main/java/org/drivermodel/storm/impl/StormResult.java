package org.drivermodel.storm.impl;

import java.util.List;

/**
 * What a storm found: the counters of its result line, and the problems behind a failed verdict.
 *
 * @param seed              the seed
 * @param events            the events applied
 * @param requests          requests entered (block requests, handle opens, attribute reads and writes)
 * @param ok                ended successfully
 * @param failed            ended with an error
 * @param lost              never ended within the deadline after the storm
 * @param duplicated        ended a second time
 * @param callsAfterRemove  calls into driver code after its removal or deactivation (the test
 *                          drivers' {@code TestHooks.lateCall})
 * @param leakedRefs        references and pins to the storm's devices still held at the end,
 *                          plus REFERENCE and BUNDLE leaks reported during the storm
 * @param loadersCollected  class loaders of retired driver generations collected after the final
 *                          refresh and garbage collection
 * @param loadersRetired    class loaders of driver generations retired by updates and reinstalls
 * @param drainsOverDeadline DRAIN leaks reported during the storm
 * @param problems          what else went wrong (an event that failed, an error of an unexpected
 *                          code), and what the failing counters were; empty when all is well
 */
record StormResult(long seed, int events, long requests, long ok, long failed, long lost, long duplicated,
        long callsAfterRemove, long leakedRefs, int loadersCollected, int loadersRetired, long drainsOverDeadline,
        List<String> problems) {

    StormResult {
        problems = List.copyOf(problems);
    }

    /** @return the one line a storm prints */
    String line() {
        return "STORM seed=" + seed + " events=" + events + " requests=" + requests + " ok=" + ok + " failed=" + failed
                + " lost=" + lost + " duplicated=" + duplicated + " calls_after_remove=" + callsAfterRemove
                + " leaked_refs=" + leakedRefs + " loaders_collected=" + loadersCollected + "/" + loadersRetired
                + " drains_over_deadline=" + drainsOverDeadline;
    }

    /**
     * @return true if nothing was lost, duplicated, called after removal, leaked or over a drain
     *         deadline, every retired class loader was collected, and there were no other problems
     */
    boolean passed() {
        return lost == 0 && duplicated == 0 && callsAfterRemove == 0 && leakedRefs == 0 && drainsOverDeadline == 0
                && loadersCollected == loadersRetired && problems.isEmpty() && ok + failed + lost == requests;
    }
}
