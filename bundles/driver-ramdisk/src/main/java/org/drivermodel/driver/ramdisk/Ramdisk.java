package org.drivermodel.driver.ramdisk;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.drivermodel.block.BlockRequest;
import org.drivermodel.block.RequestHandler;

/**
 * One ramdisk's memory and its request handler. Requests are served at once, or after the
 * configured latency on the disk's own timer thread. Concurrent requests on overlapping blocks
 * are not ordered against each other, as with Linux's brd.
 */
final class Ramdisk implements RequestHandler {
    private final byte[] memory;
    private final long latencyMicros;
    private final ScheduledExecutorService timer; /* null without latency */

    Ramdisk(long size, long latencyMicros, ScheduledExecutorService timer) {
        this.memory = new byte[Math.toIntExact(size)];
        this.latencyMicros = latencyMicros;
        this.timer = timer;
    }

    @Override
    public void handle(BlockRequest request) {
        if (timer == null) {
            serve(request);
        } else {
            timer.schedule(() -> serve(request), latencyMicros, TimeUnit.MICROSECONDS);
        }
    }

    private void serve(BlockRequest r) {
        int offset = (int) r.offset();
        switch (r.op()) {
            case READ -> r.buffer().put(memory, offset, r.length());
            case WRITE -> r.buffer().get(memory, offset, r.length());
            case FLUSH -> { } // memory is as durable as it gets
        }
        r.complete();
    }
}
