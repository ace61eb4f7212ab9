/**
 * The block layer: disks that drivers register from {@code probe} and consumers open by name.
 *
 * <p>A driver calls {@link org.drivermodel.block.BlockLayer#addDisk} in {@code probe} with a
 * {@link org.drivermodel.block.RequestHandler}; the disk appears at {@code /class/block/<name>}
 * and goes when the binding ends, in Linux {@code del_gendisk} order and before the driver's
 * {@code remove}: no new opens, the queue dies (new submissions fail at once with ENODEV), the
 * requests in flight drain with a deadline, and past it the core completes the rest with EIO.
 * Every request completes exactly once. Consumers hold {@link org.drivermodel.block.DiskHandle}s,
 * orphaned on removal: every operation then gives ENODEV, and a handle pins no driver.
 */
@Export
@Version("2.0.0")
package org.drivermodel.block;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
