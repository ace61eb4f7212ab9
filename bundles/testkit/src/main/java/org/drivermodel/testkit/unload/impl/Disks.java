package org.drivermodel.testkit.unload.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.drivermodel.api.DriverCore;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.error.DriverModelException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The disks of the devices under proof and their load, where the block layer is present. The
 * test kit imports the block package optionally: the proof reaches this class only through
 * {@link #start}, and takes a {@link NoClassDefFoundError} from it as "no block layer".
 *
 * <p>Concurrency: created, used and closed by the proof's thread; the load threads it starts
 * run {@link BlockLoad} bodies.
 */
public final class Disks implements AutoCloseable {
    private final BundleContext context;
    private final ServiceReference<BlockLayer> ref; /* null without a block layer */
    private final List<LoadCheck> loads = new ArrayList<>();

    private Disks(BundleContext context, ServiceReference<BlockLayer> ref) {
        this.context = context;
        this.ref = ref;
    }

    /**
     * Starts {@code perDisk} load threads on each disk whose device is one of those under proof.
     *
     * @param context  the proof's caller's context: the block layer's handles are attributed to it
     * @param core     the core, to find each disk's device
     * @param ours     whether a device path is one under proof (or below one)
     * @param perDisk  load threads per disk
     * @param deadline how long a request may take
     * @param tally    where outcomes go
     * @param threads  the load threads
     * @param prefix   the load threads' name prefix
     * @return the disks' loads; close it after the load ended and was checked
     */
    public static Disks start(BundleContext context, DriverCore core, Predicate<String> ours, int perDisk,
            Duration deadline, LoadTally tally, LoadThreads threads, String prefix) {
        Disks disks = new Disks(context, context.getServiceReference(BlockLayer.class));
        if (disks.ref == null) {
            return disks;
        }
        BlockLayer block = context.getService(disks.ref);
        if (block == null) {
            return disks;
        }
        for (String name : block.disks()) {
            String path;
            try {
                path = core.device("/class/block/" + name).path();
            } catch (DriverModelException e) {
                continue; // gone meanwhile
            }
            if (ours.test(path)) {
                BlockLoad load = new BlockLoad(block, name, deadline, tally, threads);
                disks.loads.add(load);
                for (int i = 0; i < perDisk; i++) {
                    threads.start(prefix + " disk " + name + " #" + i, load.body(i));
                }
            }
        }
        return disks;
    }

    /** @return the loads' checks, one per disk */
    public List<LoadCheck> loads() {
        return List.copyOf(loads);
    }


    /** Releases the block layer. */
    @Override
    public void close() {
        if (ref != null) {
            context.ungetService(ref);
        }
    }
}
