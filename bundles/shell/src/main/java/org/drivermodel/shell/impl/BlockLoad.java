package org.drivermodel.shell.impl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.drivermodel.block.DiskHandle;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * Background I/O on one disk for {@code block:load}: threads that write and read blocks of
 * their own until the time is up or the disk refuses them (it was removed), counting every
 * request submitted and every completion, so that {@code block:loadwait} can show that nothing
 * was lost.
 *
 * <p>Concurrency: the counters are atomic; completions count themselves in whatever thread
 * completes them; the threads are joined by {@link #finish}.
 */
final class BlockLoad {
    private static final int BLOCK = 4096;

    private final DiskHandle handle;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final long end;

    BlockLoad(DiskHandle handle, int count, int milliseconds) {
        this.handle = handle;
        this.end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(milliseconds);
        long blocks = handle.spec().capacity() / BLOCK;
        for (int i = 0; i < count; i++) {
            long offset = (i % Math.max(1, blocks)) * BLOCK;
            Thread t = new Thread(() -> run(offset), "block-load-" + handle.name() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    String disk() {
        return handle.name();
    }

    private void run(long offset) {
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        for (int n = 0; System.nanoTime() < end; n++) {
            buf.clear();
            try {
                (n % 2 == 0 ? handle.write(offset, buf) : handle.read(offset, buf)).whenComplete((v, e) -> {
                    (e == null ? succeeded : failed).incrementAndGet();
                });
                submitted.incrementAndGet();
            } catch (DriverModelException e) {
                refused.incrementAndGet(); // the disk is going or gone: this thread is done
                return;
            }
        }
    }

    /** Waits until some requests have completed, so that what follows happens under load. */
    void awaitUnderWay(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (succeeded.get() + failed.get() < 100 && threads.stream().anyMatch(Thread::isAlive)) {
            if (System.nanoTime() > deadline) {
                throw new DriverModelException(Errno.ETIMEDOUT, handle.name(), "no request completed within " + seconds + " s");
            }
            Thread.sleep(1);
        }
    }

    /** Joins the threads, waits for every completion, and reports. */
    String finish(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        while (succeeded.get() + failed.get() < submitted.get() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        handle.close();
        long s = submitted.get();
        long ok = succeeded.get();
        long bad = failed.get();
        return "load on " + handle.name() + ": submitted " + s + ", succeeded " + ok + ", failed " + bad + ", lost "
                + (s - ok - bad) + " (" + refused.get() + " thread(s) refused at submit: the disk went)";
    }
}
