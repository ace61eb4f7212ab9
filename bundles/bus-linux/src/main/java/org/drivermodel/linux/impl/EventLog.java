package org.drivermodel.linux.impl;

import java.util.ArrayDeque;
import java.util.List;

import org.drivermodel.linux.KernelEvent;

/**
 * The last uevents received, with what the bus did with each, for {@code linux:events}: a ring
 * of {@link #CAPACITY}.
 *
 * <p>Concurrency: every method holds the monitor of this object (writers: the bus's reader and
 * hotplug threads; readers: the shell); it calls nothing while holding it.
 */
final class EventLog {
    static final int CAPACITY = 256;

    /** One event received; what the bus did is filled in later, by the hotplug thread. */
    static final class Entry {
        private final KernelEvent event;
        private String handling; /* guarded by the log */

        private Entry(KernelEvent event, String handling) {
            this.event = event;
            this.handling = handling;
        }

        KernelEvent event() {
            return event;
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>(); /* guarded by this */

    /** @return the entry of the event, to record its handling in */
    synchronized Entry add(KernelEvent e, String handling) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        Entry entry = new Entry(e, handling);
        entries.addLast(entry);
        return entry;
    }

    synchronized void handled(Entry entry, String how) {
        entry.handling = how;
    }

    /** @return the last {@code count} events, oldest first, each with what the bus did */
    synchronized List<KernelEvent> last(int count) {
        return entries.stream().skip(Math.max(0, entries.size() - count)).map(e -> e.event.handled(e.handling)).toList();
    }
}
