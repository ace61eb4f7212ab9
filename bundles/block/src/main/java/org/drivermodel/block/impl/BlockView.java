package org.drivermodel.block.impl;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.block.Disk;
import org.drivermodel.block.DiskHandle;
import org.drivermodel.block.DiskSpec;
import org.drivermodel.block.DiskStats;
import org.drivermodel.block.RequestHandler;
import org.osgi.service.log.Logger;

/**
 * One bundle's view of the block layer: the handles it opens are attributed to it, and those it
 * still holds when it goes are closed and reported.
 *
 * <p>Concurrency: {@link #handles} is a concurrent set; a handle is added before it is returned.
 */
final class BlockView implements BlockLayer {
    private final DiskRegistry registry;
    private final String holder;
    private final Logger log;
    private final Set<Handle> handles = ConcurrentHashMap.newKeySet(); /* the handles the bundle holds; concurrent */

    BlockView(DiskRegistry registry, String holder, Logger log) {
        this.registry = registry;
        this.holder = holder;
        this.log = log;
    }

    @Override
    public Disk addDisk(BoundDevice parent, DiskSpec spec, RequestHandler handler) {
        return registry.add(parent, spec, handler, holder);
    }

    @Override
    public DiskHandle open(String name) {
        Handle h = registry.lookup(name).open(holder, handles::remove);
        handles.add(h);
        return h;
    }

    @Override
    public List<String> disks() {
        return registry.names();
    }

    @Override
    public DiskStats stats(String name) {
        return registry.lookup(name).stats();
    }

    /** The bundle let go of the service: closes and reports the handles it left open. */
    void release() {
        List<Handle> left = List.copyOf(handles);
        left.forEach(Handle::close);
        if (!left.isEmpty()) {
            log.warn("{} went without closing {} disk handle(s), closed now: {}", holder, left.size(), left);
        }
    }
}
