package org.drivermodel.block.impl;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceClass;
import org.drivermodel.api.DriverCore;
import org.drivermodel.block.Disk;
import org.drivermodel.block.DiskSpec;
import org.drivermodel.block.DiskStats;
import org.drivermodel.block.RequestHandler;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.osgi.service.log.Logger;

/**
 * The disks, by name, and the {@code block} class whose devices show them at
 * {@code /class/block/<name>} with the attributes {@code size} (in 512-byte sectors, as Linux),
 * {@code ro}, {@code queue_depth}, {@code inflight} and {@code stat}.
 *
 * <p>Concurrency: this object's monitor guards {@link #disks}; it is never held while calling
 * the core, a driver or a queue's kill.
 */
final class DiskRegistry {
    private final Logger log;
    private final DeviceClass blockClass;
    private final Map<String, DiskImpl> disks = new TreeMap<>(); /* guarded by this */
    private volatile Duration drainTimeout; /* replaced whole by configuration */

    DiskRegistry(DriverCore core, Logger log, Duration drainTimeout) {
        this.log = log;
        this.drainTimeout = drainTimeout;
        this.blockClass = core.registerClass("block", List.of(AttributeGroup.of(
                Attribute.<Device>ro("size", d -> disk(d).spec().capacity() / 512 + "\n"),
                Attribute.<Device>ro("ro", d -> (disk(d).spec().readOnly() ? 1 : 0) + "\n"),
                Attribute.<Device>ro("queue_depth", d -> disk(d).spec().queueDepth() + "\n"),
                Attribute.<Device>ro("inflight", d -> disk(d).inFlight() + "\n"),
                Attribute.<Device>ro("stat", d -> stat(disk(d).stats())))));
    }

    void setDrainTimeout(Duration d) {
        drainTimeout = d;
    }

    private static String stat(DiskStats s) {
        return "submitted " + s.submitted() + "\nsucceeded " + s.succeeded() + "\nfailed " + s.failed()
                + "\naborted " + s.aborted() + "\nignored_completions " + s.ignoredCompletions()
                + "\nhandler_failures " + s.handlerFailures() + "\n";
    }

    /** The disk of a block class device; ENODEV once it went. */
    private synchronized DiskImpl disk(Device d) {
        DiskImpl disk = disks.get(d.name());
        if (disk == null || disk.classDevice() != d) {
            throw new DriverModelException(Errno.ENODEV, d.path(), "disk was removed");
        }
        return disk;
    }

    /**
     * @param registrant the bundle registering the disk (its driver's), as reports name it
     * @see org.drivermodel.block.BlockLayer#addDisk
     */
    Disk add(BoundDevice parent, DiskSpec spec, RequestHandler handler, String registrant) {
        if (parent == null || spec == null || handler == null) {
            throw new DriverModelException(Errno.EINVAL, "/class/block", "addDisk needs a parent device, a spec and a handler");
        }
        // a problem of the driver (a double completion, a handler that threw) names its disk,
        // device, driver and bundle; the per-disk counters (DiskStats) count it
        DiskImpl disk = new DiskImpl(spec, handler, problem -> log.warn("{} [disk of {}, driver {}, {}]", problem,
                parent.path(), parent.driver().orElse("(unbound)"), registrant));
        synchronized (this) {
            if (disks.containsKey(spec.name())) {
                throw new DriverModelException(Errno.EEXIST, "/class/block/" + spec.name(), "a disk of that name exists");
            }
            disks.put(spec.name(), disk);
        }
        try {
            // the class device belongs to the parent's binding; the disk's queue goes before remove
            disk.setClassDevice(blockClass.addDevice(spec.name(), Map.of("capacity", Long.toString(spec.capacity())), parent));
            parent.addDisconnect("disk " + spec.name(), () -> remove(disk));
        } catch (RuntimeException e) {
            remove(disk);
            if (disk.classDevice() != null) {
                try {
                    blockClass.removeDevice(spec.name());
                } catch (DriverModelException gone) {
                    // removed with the binding already
                }
            }
            throw e;
        }
        log.info("disk {}: added for {}: {} bytes, {}-byte blocks, queue depth {}{}", spec.name(), parent.path(),
                spec.capacity(), spec.blockSize(), spec.queueDepth(), spec.readOnly() ? ", read-only" : "");
        return disk;
    }

    /** Removes a disk: no new opens, then its queue's disconnect-now. Idempotent. */
    void remove(DiskImpl disk) {
        synchronized (this) {
            disks.remove(disk.name(), disk);
        }
        KillReport r = disk.remove(drainTimeout);
        if (r.clean()) {
            log.info("{}", r);
        } else {
            log.error("{}", r);
        }
    }

    /** @return the live disk of that name. @throws DriverModelException ENOENT if none */
    synchronized DiskImpl lookup(String name) {
        DiskImpl d = disks.get(name);
        if (d == null) {
            throw new DriverModelException(Errno.ENOENT, "/class/block/" + DriverModelException.quote(String.valueOf(name)),
                    "no such disk");
        }
        return d;
    }

    synchronized List<String> names() {
        return List.copyOf(disks.keySet());
    }

    /** Unregisters the class. Context: the block bundle stopping, after its users went. */
    void close() {
        blockClass.close();
    }
}
