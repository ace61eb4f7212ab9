package org.drivermodel.storm.impl;

/**
 * What an I/O thread does between two handle cycles, and when there is nothing to do I/O on:
 * yield the core for a moment. Pacing, not waiting for a state: unpaced, four I/O threads on a
 * 2-core machine make a million requests a second and starve the event thread, which then needs
 * minutes for 2,000 events; paced, they still have requests in flight at every event.
 */
final class Idle {
    /** Long enough not to spin on a 2-core machine, short enough to catch the next device at once. */
    static final long PAUSE_MILLIS = 1;

    private Idle() {
    }

    static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
