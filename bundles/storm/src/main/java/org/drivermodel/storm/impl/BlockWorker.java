package org.drivermodel.storm.impl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.drivermodel.api.DriverCore;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.block.DiskHandle;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * An I/O thread of the storm: over and over, it picks a disk of a device the storm plugged,
 * opens it, submits a few reads, writes and flushes, waits for them (with a deadline) and closes
 * the handle. Each open and each request is entered in the books and ended by its completion
 * (or by the exception its submission threw).
 *
 * <p>Concurrency: one thread; shares only the storm's slot map (a concurrent map) and the books.
 */
final class BlockWorker implements Runnable {
    /** Requests submitted per open: enough to have several in flight when the disk goes. */
    static final int MAX_BATCH = 4;
    /** How long the thread waits for its batch; a request not done then is left to the final count. */
    static final long BATCH_WAIT_SECONDS = 10;
    /** The disks' first blocks are used, so that reads read what writes wrote. */
    static final int BLOCKS_USED = 64;

    private static final Set<Errno> OPEN_ERRORS = Set.of(Errno.ENOENT, Errno.ENODEV);
    private static final Set<Errno> IO_ERRORS = Set.of(Errno.ENODEV, Errno.EIO);

    private final BlockLayer block;
    private final DriverCore core;
    private final Map<Integer, PluggedDevice> slots;
    private final Accounting books;
    private final BooleanSupplier running;
    private final Random random;

    BlockWorker(BlockLayer block, DriverCore core, Map<Integer, PluggedDevice> slots, Accounting books,
            BooleanSupplier running, long seed) {
        this.block = block;
        this.core = core;
        this.slots = slots;
        this.books = books;
        this.running = running;
        this.random = new Random(seed);
    }

    @Override
    public void run() {
        while (running.getAsBoolean()) {
            String disk = pickDisk();
            if (disk == null) {
                Idle.pause();
                continue;
            }
            DiskHandle h = open(disk);
            if (h != null) {
                try {
                    batch(h);
                } finally {
                    h.close();
                }
            }
            Idle.pause();
        }
    }

    /** @return a disk of a device the storm plugged, or null if there is none now */
    private String pickDisk() {
        List<PluggedDevice> candidates = new ArrayList<>();
        for (PluggedDevice d : slots.values()) {
            if (d.hasDisk()) {
                candidates.add(d);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        PluggedDevice d = candidates.get(random.nextInt(candidates.size()));
        try {
            List<String> disks = block.disks();
            for (String child : core.list(d.path())) {
                if (disks.contains(child)) {
                    return child;
                }
            }
        } catch (DriverModelException e) {
            // the device went meanwhile: nothing was asked of it
        }
        return null;
    }

    private DiskHandle open(String disk) {
        long id = books.begin("open " + disk, OPEN_ERRORS);
        try {
            DiskHandle h = block.open(disk);
            books.end(id, null);
            return h;
        } catch (RuntimeException e) {
            books.end(id, e);
            return null;
        }
    }

    private void batch(DiskHandle h) {
        int blockSize = h.spec().blockSize();
        long blocks = Math.min(BLOCKS_USED, h.spec().capacity() / blockSize);
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        int n = 1 + random.nextInt(MAX_BATCH);
        for (int i = 0; i < n; i++) {
            int op = random.nextInt(3);
            long offset = random.nextInt((int) blocks) * (long) blockSize;
            String what = (op == 0 ? "write " : op == 1 ? "read " : "flush ") + h.name() + (op == 2 ? "" : " at " + offset);
            long id = books.begin(what, IO_ERRORS);
            try {
                ByteBuffer buffer = ByteBuffer.allocate(blockSize);
                CompletionStage<Void> stage = switch (op) {
                    case 0 -> h.write(offset, buffer);
                    case 1 -> h.read(offset, buffer);
                    default -> h.flush();
                };
                inFlight.add(stage.whenComplete((v, e) -> books.end(id, e)).toCompletableFuture());
            } catch (RuntimeException e) {
                books.end(id, e);
            }
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(BATCH_WAIT_SECONDS);
        for (CompletableFuture<Void> f : inFlight) {
            try {
                f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                // ended with an error: counted by its completion
            } catch (TimeoutException e) {
                return; // left open: the final count finds it, if it never ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
