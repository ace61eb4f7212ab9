package org.drivermodel.storm.impl;

/** What an I/O thread does when there is nothing to do I/O on: yield the core for a moment. */
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
