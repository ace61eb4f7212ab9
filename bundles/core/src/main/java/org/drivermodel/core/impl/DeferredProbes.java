package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The devices whose probe was deferred (Linux {@code deferred_probe_pending_list}), with
 * the reason each gave and when it first deferred, and the deadline past which a deferred
 * device is given up (Linux {@code deferred_probe_timeout}).
 *
 * <p>Concurrency: every method is {@code synchronized}; none calls out.
 */
final class DeferredProbes {
    /** A pending device: why, and since when (nanoTime). */
    private record Pending(String reason, long since) {
    }

    private final LongSupplier clock;
    private final Map<DeviceNode, Pending> pending = new LinkedHashMap<>(); /* guarded by this */

    DeferredProbes(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    /** Records (or re-records, keeping its first time) a deferral. */
    synchronized void defer(DeviceNode node, String reason) {
        Pending old = pending.get(node);
        pending.put(node, new Pending(reason, old == null ? clock.getAsLong() : old.since()));
    }

    /** Forgets a device: bound, removed, or given up. */
    synchronized void forget(DeviceNode node) {
        pending.remove(node);
    }

    /** @return true if no device is pending */
    synchronized boolean isEmpty() {
        return pending.isEmpty();
    }

    /** @return whether the device is pending */
    synchronized boolean isPending(DeviceNode node) {
        return pending.containsKey(node);
    }

    /** @return the pending devices, oldest first */
    synchronized List<DeviceNode> snapshot() {
        return List.copyOf(pending.keySet());
    }

    /**
     * Drops the devices that have been pending longer than {@code timeout}.
     *
     * @return the devices given up, with their last reason
     */
    synchronized Map<DeviceNode, String> expire(Duration timeout) {
        if (pending.isEmpty()) {
            return Map.of(); // the common case, at every plug: nothing made
        }
        long timeoutNanos = timeout.toNanos();
        long now = clock.getAsLong();
        Map<DeviceNode, String> expired = new LinkedHashMap<>();
        pending.entrySet().removeIf(e -> {
            if (now - e.getValue().since() >= timeoutNanos) {
                expired.put(e.getKey(), e.getValue().reason());
                return true;
            }
            return false;
        });
        return expired;
    }

    /** @return path to reason, oldest first */
    synchronized Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        pending.forEach((node, p) -> out.put(node.path(), p.reason()));
        return out;
    }
}
