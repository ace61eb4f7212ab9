package org.drivermodel.core.impl;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverInfo;

/**
 * A driver recording its calls, with a hook that runs inside probe, and a check that the core
 * never calls remove for a device it did not bind, never probes a bound device, and never
 * calls it at all once its removal has returned.
 */
class FakeDriver implements Driver {
    final String name;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Set<String> bound = ConcurrentHashMap.newKeySet();
    /** The binding each device was last probed with, by device name: the driver's handles. */
    final Map<String, BoundDevice> handles = new ConcurrentHashMap<>();
    final AtomicInteger violations = new AtomicInteger();
    volatile boolean gone;

    FakeDriver(String name) {
        this.name = name;
    }

    DriverInfo info(String bus, String... ids) {
        return new DriverInfo(name, bus, 7, Map.of("ids", List.of(ids)));
    }

    @Override
    public void probe(BoundDevice device) throws Exception {
        if (gone || !bound.add(device.path())) {
            violations.incrementAndGet();
        }
        calls.add("probe " + device.name());
        handles.put(device.name(), device);
        onProbe(device);
    }

    /** Runs inside probe; throw to refuse the device. */
    void onProbe(BoundDevice device) throws Exception {
    }

    @Override
    public void remove(BoundDevice device) {
        if (gone || !bound.remove(device.path())) {
            violations.incrementAndGet();
        }
        calls.add("remove " + device.name());
    }

    /** Called by a probe that refuses: it is not bound. */
    void refused(Device device) {
        bound.remove(device.path());
    }
}
