package org.drivermodel.testkit.unload.impl;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.drivermodel.block.BlockLayer;
import org.drivermodel.block.DiskHandle;
import org.drivermodel.block.DiskSpec;
import org.drivermodel.block.DiskStats;
import org.drivermodel.error.DriverModelException;

/**
 * Block I/O on one disk: each load thread reads its own block and writes back what it read
 * (on a writable disk), one request at a time, so the disk's data stays as it was. A request
 * that does not complete within the deadline is lost; a completion with an unexpected errno (an
 * abort at removal, say: the driver never completed it) is reported. After the load, the disk's
 * counters must show no request in flight, none aborted and none completed twice.
 *
 * <p>Only loaded where the block layer's package is wired to the test kit (its import is
 * optional).
 *
 * <p>Concurrency: the proof's thread creates the instance and calls {@link #verify}; each load
 * thread runs a body with a handle of its own, confined to it. The shared handle, used for the
 * counters, is only read; the block layer's handles are thread-safe.
 */
public final class BlockLoad implements LoadCheck {
    private final BlockLayer block;
    private final String disk;
    private final DiskHandle handle;   /* the proof's own: the disk's counters, before and after */
    private final DiskStats before;
    private final Duration deadline;
    private final LoadTally tally;
    private final LoadThreads threads;

    /**
     * @param block    the block layer, as the proof's caller sees it
     * @param disk     the disk's name
     * @param deadline how long a request may take
     * @param tally    where outcomes go
     * @param threads  whose {@code ending} flag ends the load
     */
    public BlockLoad(BlockLayer block, String disk, Duration deadline, LoadTally tally, LoadThreads threads) {
        this.block = block;
        this.disk = disk;
        this.handle = block.open(disk);
        this.before = handle.stats();
        this.deadline = deadline;
        this.tally = tally;
        this.threads = threads;
    }

    /** @return the disk's name */
    @Override
    public String what() {
        return disk;
    }

    /** @return the body of the {@code index}th load thread on this disk */
    public Runnable body(int index) {
        return () -> {
            DiskHandle h;
            try {
                h = block.open(disk);
            } catch (DriverModelException e) {
                tally.failed("open disk " + disk, e);
                return;
            }
            try {
                load(h, index);
            } catch (RuntimeException | Error e) {
                tally.unexpected("load thread died: " + e);
            } finally {
                h.close();
            }
        };
    }

    private void load(DiskHandle h, int index) {
        DiskSpec spec = h.spec();
        int length = spec.blockSize();
        long blocks = spec.capacity() / length;
        long offset = (index % blocks) * length;
        byte[] data = new byte[length];
        while (!threads.ending()) {
            if (!request(() -> h.read(offset, ByteBuffer.wrap(data)), "read", offset)) {
                return;
            }
            if (!spec.readOnly() && !request(() -> h.write(offset, ByteBuffer.wrap(data)), "write", offset)) {
                return;
            }
        }
    }

    private interface Submit {
        CompletionStage<Void> submit();
    }

    /** @return false if the request was lost: the thread cannot reuse its buffer then */
    private boolean request(Submit submit, String op, long offset) {
        String what = op + " at " + offset + " on disk " + disk;
        CompletionStage<Void> io;
        try {
            io = submit.submit();
        } catch (DriverModelException e) {
            tally.failed("submit " + what, e);
            return true;
        }
        try {
            io.toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            tally.ok();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DriverModelException d) {
                tally.failed(what, d);
            } else {
                tally.unexpected(what + " completed with " + e.getCause());
            }
        } catch (TimeoutException e) {
            tally.unexpected("lost: " + what + " not completed within " + deadline.toMillis() + " ms");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.unexpected("interrupted waiting for " + what);
            return false;
        }
        return true;
    }

    /**
     * Checks the disk's counters once the load ended, and closes the proof's handle.
     *
     * @return what is wrong with them, empty if nothing
     */
    @Override
    public List<String> verify() {
        DiskStats s = handle.stats();
        handle.close();
        List<String> wrong = new ArrayList<>();
        if (s.inFlight() != 0) {
            wrong.add("disk " + disk + ": " + s.inFlight() + " request(s) still in flight (lost)");
        }
        if (s.aborted() != before.aborted()) {
            wrong.add("disk " + disk + ": " + (s.aborted() - before.aborted())
                    + " request(s) aborted at removal (the driver never completed them)");
        }
        if (s.ignoredCompletions() != before.ignoredCompletions()) {
            wrong.add("disk " + disk + ": " + (s.ignoredCompletions() - before.ignoredCompletions())
                    + " request(s) completed twice");
        }
        if (s.submitted() != s.succeeded() + s.failed() + s.inFlight()) {
            wrong.add("disk " + disk + ": submitted " + s.submitted() + " != succeeded " + s.succeeded()
                    + " + failed " + s.failed() + " + in flight " + s.inFlight());
        }
        return wrong;
    }
}
