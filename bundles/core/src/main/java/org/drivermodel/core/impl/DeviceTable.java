package org.drivermodel.core.impl;

import java.util.ArrayList;
import java.util.List;

import org.drivermodel.core.impl.util.ChainedTable;

/**
 * A subsystem's devices by name, in add order: a hash table chained through the devices
 * ({@link DeviceNode#tableNext}) and a list through them in add order
 * ({@link DeviceNode#addedPrev}, {@link DeviceNode#addedNext}), as Linux keeps a bus's devices
 * on a {@code klist} through each device's {@code knode_bus}. A device costs three fields and a
 * slot or two; a {@code LinkedHashMap} cost an entry of 40 bytes per device and one more object
 * for each young collection to copy (issue #19).
 *
 * <p>Concurrency: guarded by the model lock ({@link Registry#lock}), as the subsystem's state.
 */
final class DeviceTable extends ChainedTable<DeviceNode> {

    private DeviceNode first; /* guarded by model lock; the oldest device */
    private DeviceNode last;  /* guarded by model lock; the newest */

    @Override
    protected String name(DeviceNode n) {
        return n.name();
    }

    @Override
    protected int hash(DeviceNode n) {
        return n.nameHash;
    }

    @Override
    protected DeviceNode next(DeviceNode n) {
        return n.tableNext;
    }

    @Override
    protected void next(DeviceNode n, DeviceNode next) {
        n.tableNext = next;
    }

    /**
     * Lists a device last. @throws IllegalStateException if it or a device of its name is listed
     * (the caller checks first: EEXIST), and nothing changes
     */
    void add(DeviceNode node) {
        if (insert(node, false) != null) {
            throw new IllegalStateException("already listed: " + node.name());
        }
        node.addedPrev = last;
        if (last == null) {
            first = node;
        } else {
            last.addedNext = node;
        }
        last = node;
    }

    /** Unlists {@code node} if it is listed here. @return true if it was */
    boolean remove(DeviceNode node) {
        if (!delete(node)) {
            return false;
        }
        DeviceNode prev = node.addedPrev;
        DeviceNode next = node.addedNext;
        if (prev == null) {
            first = next;
        } else {
            prev.addedNext = next;
        }
        if (next == null) {
            last = prev;
        } else {
            next.addedPrev = prev;
        }
        node.addedPrev = null;
        node.addedNext = null;
        return true;
    }

    /**
     * @return true if {@code node} is the device listed under its name: it is in the add-order
     *         list exactly while it is in the table, so no chain is walked
     */
    boolean lists(DeviceNode node) {
        return first == node || node.addedPrev != null;
    }

    /** @return the devices in add order: a list made now */
    List<DeviceNode> inAddOrder() {
        List<DeviceNode> all = new ArrayList<>(size());
        for (DeviceNode n = first; n != null; n = n.addedNext) {
            all.add(n);
        }
        return all;
    }
}
