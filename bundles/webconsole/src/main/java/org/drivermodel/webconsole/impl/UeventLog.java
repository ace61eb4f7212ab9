package org.drivermodel.webconsole.impl;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The uevents the page follows ({@code org/drivermodel/uevent/*}, as udev follows the kernel's):
 * the last {@link #KEEP} of them, each with a sequence number, so that the page's poll sees
 * at once that something changed ({@link #sequence()}) and shows what.
 *
 * <p><b>Concurrency.</b> EventAdmin delivers on its own threads, the page reads on the HTTP
 * server's: a short critical section on {@code this} around the deque and the counter is all
 * there is. Nothing is called out while it is held, and {@link #handleEvent} never blocks, so
 * EventAdmin's handler timeout cannot blacklist this handler.
 */
@Component(service = { EventHandler.class, UeventLog.class },
        property = EventConstants.EVENT_TOPIC + "=" + UeventLog.TOPICS)
public final class UeventLog implements EventHandler {

    /** Every uevent type. */
    static final String TOPICS = "org/drivermodel/uevent/*";
    private static final String PREFIX = "org/drivermodel/uevent/";
    /** How many uevents the page shows: a screenful. */
    static final int KEEP = 50;

    /** One uevent as the page shows it. */
    record Entry(long seq, Instant when, String type, String devpath) {
    }

    private final ArrayDeque<Entry> recent = new ArrayDeque<>(KEEP); /* guarded by this */
    private long sequence; /* guarded by this */

    @Override
    public void handleEvent(Event event) {
        String type = event.getTopic().startsWith(PREFIX) ? event.getTopic().substring(PREFIX.length()) : event.getTopic();
        Object devpath = event.getProperty("devpath");
        synchronized (this) {
            if (recent.size() == KEEP) {
                recent.removeFirst();
            }
            recent.addLast(new Entry(++sequence, Instant.now(), type, String.valueOf(devpath)));
        }
    }

    /** @return the number of the last uevent seen (0 before the first) */
    synchronized long sequence() {
        return sequence;
    }

    /** @return the recent uevents, oldest first */
    synchronized List<Entry> recent() {
        return new ArrayList<>(recent);
    }
}
