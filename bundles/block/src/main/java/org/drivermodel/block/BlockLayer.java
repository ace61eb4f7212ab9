package org.drivermodel.block;

import java.util.List;

import org.drivermodel.api.BoundDevice;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The block layer, as a service. It is bundle-scoped: handles are attributed to the bundle that
 * opened them, and those it still holds when it goes are closed and reported.
 */
@ProviderType
public interface BlockLayer {

    /**
     * Registers a disk for the device a driver is probing (Linux {@code add_disk}). It appears at
     * {@code /class/block/<name>} (and under the device) and goes when the binding ends, before
     * the driver's {@code remove}: the driver needs no remove for it.
     *
     * @param parent  the binding being probed or bound (the driver's handle): the disk goes when it ends
     * @param spec    the disk's shape
     * @param handler where its requests go
     * @return the disk
     * @throws org.drivermodel.error.DriverModelException EEXIST for a taken name, ENODEV if no
     *         driver is being probed or bound on {@code parent}
     */
    Disk addDisk(BoundDevice parent, DiskSpec spec, RequestHandler handler);

    /**
     * Opens a disk.
     *
     * @param name the disk's name
     * @return the handle; close it
     * @throws org.drivermodel.error.DriverModelException ENOENT for an unknown disk, ENODEV for
     *         one being removed
     */
    DiskHandle open(String name);

    /** @return the names of the disks, sorted */
    List<String> disks();

    /**
     * @param name a disk's name
     * @return its counters
     * @throws org.drivermodel.error.DriverModelException ENOENT for an unknown disk
     */
    DiskStats stats(String name);
}
