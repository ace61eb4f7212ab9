package org.drivermodel.testkit.unload;

import java.util.List;

/**
 * What a passed unload proof did, so that a test can show it was not vacuous (that the load
 * reached the files and disks it should have, before and after the stop).
 *
 * @param bundle              the bundle, as {@code bundle <id> (<symbolic name>)}
 * @param drivers             its drivers, as {@code <bus>/<name>}
 * @param devices             the devices bound to them when the proof began
 * @param attributeFiles      the attribute files loaded (under those devices, their children's too)
 * @param disks               the disks loaded (empty without a block layer or a disk)
 * @param attributeOperations the attribute opens, reads and writes done, failed ones included
 * @param blockOperations     the block requests done, failed ones included
 * @param operationsAfterStop the operations done after the stop returned, on orphaned handles
 */
public record UnloadRecord(String bundle, List<String> drivers, List<String> devices, List<String> attributeFiles,
        List<String> disks, long attributeOperations, long blockOperations, long operationsAfterStop) {

    /** Copies the lists. */
    public UnloadRecord {
        drivers = List.copyOf(drivers);
        devices = List.copyOf(devices);
        attributeFiles = List.copyOf(attributeFiles);
        disks = List.copyOf(disks);
    }
}
