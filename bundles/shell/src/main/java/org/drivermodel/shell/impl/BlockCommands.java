package org.drivermodel.shell.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.service.command.Descriptor;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.block.DiskHandle;
import org.drivermodel.block.DiskSpec;
import org.drivermodel.block.DiskStats;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.shell.ArgumentKind;
import org.drivermodel.shell.CommandService;
import org.drivermodel.shell.Completes;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code block:list}, {@code block:write}, {@code block:read} and {@code block:check}: disks and
 * I/O on them from the shell, each command on a handle of its own. The block layer is optional:
 * without it the commands answer ENODEV.
 */
// immediate: the shell ungets a command service after each call, and a delayed component would
// be disposed then, forgetting the load that block:load started
@Component(service = BlockCommands.class, immediate = true, property = {
        CommandService.SCOPE + "=block",
        CommandService.FUNCTION + "=list",
        CommandService.FUNCTION + "=write",
        CommandService.FUNCTION + "=read",
        CommandService.FUNCTION + "=check",
        CommandService.FUNCTION + "=load",
        CommandService.FUNCTION + "=loadwait" })
public final class BlockCommands {
    /** How long a command waits for its I/O. */
    static final long IO_TIMEOUT_SECONDS = 30;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile BlockLayer block;

    private BlockLoad load; /* guarded by this: the background load started by block:load, until block:loadwait */

    /**
     * @param disk         the disk
     * @param threads      how many submitting threads
     * @param milliseconds how long they submit at most
     * @return what was started
     */
    @Descriptor("start background I/O on a disk from several threads, for a time or until the disk goes;"
            + " returns once requests are completing (block:loadwait reports the accounting)")
    public String load(@Descriptor("the disk, e.g. ram0") @Completes(ArgumentKind.DISK) String disk,
            @Descriptor("submitting threads, 1 to 16") int threads,
            @Descriptor("how long, 1 to 600000 ms") int milliseconds) throws InterruptedException {
        if (threads < 1 || threads > 16 || milliseconds < 1 || milliseconds > 600_000) {
            throw new DriverModelException(Errno.EINVAL, "block:load", "threads must be 1 to 16 and milliseconds 1 to 600000");
        }
        DiskHandle h = block().open(disk);
        synchronized (this) {
            if (load != null) {
                h.close();
                throw new DriverModelException(Errno.EBUSY, "block:load", "a load is running on " + load.disk() + "; block:loadwait first");
            }
            load = new BlockLoad(h, threads, milliseconds);
        }
        load.awaitUnderWay(IO_TIMEOUT_SECONDS);
        return "load on " + disk + ": " + threads + " threads for up to " + milliseconds + " ms, under way";
    }

    /**
     * @param seconds how long to wait at most
     * @return the load's accounting
     */
    @Descriptor("wait for the background load to end and print its accounting: submitted = succeeded + failed, nothing lost")
    public String loadwait(@Descriptor("how long to wait at most, in seconds") int seconds) throws InterruptedException {
        BlockLoad l;
        synchronized (this) {
            l = load;
            load = null;
        }
        if (l == null) {
            throw new DriverModelException(Errno.ENOENT, "block:loadwait", "no load is running");
        }
        return l.finish(seconds);
    }

    /** @return every disk with its shape and counters */
    @Descriptor("list the disks: size, block size, read-only, queue depth, requests in flight and counters")
    public String list() {
        BlockLayer b = block();
        Table t = new Table("DISK", "BYTES", "BLOCK", "RO", "DEPTH", "INFLIGHT", "SUBMITTED", "SUCCEEDED", "FAILED", "ABORTED");
        for (String name : b.disks()) {
            try (DiskHandle h = b.open(name)) {
                DiskSpec s = h.spec();
                DiskStats st = b.stats(name);
                t.row(name, s.capacity(), s.blockSize(), s.readOnly() ? 1 : 0, s.queueDepth(), st.inFlight(), st.submitted(),
                        st.succeeded(), st.failed(), st.aborted());
            } catch (DriverModelException gone) {
                // removed while listing
            }
        }
        return t.toString();
    }

    /**
     * @return a confirmation
     */
    @Descriptor("write text at a byte offset of a disk, padded with zeros to whole blocks")
    public String write(@Descriptor("the disk, e.g. ram0") @Completes(ArgumentKind.DISK) String disk,
            @Descriptor("the byte offset, a multiple of the block size") long offset,
            @Descriptor("the text") String text) {
        try (DiskHandle h = block().open(disk)) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            int bs = h.spec().blockSize();
            int length = Math.max(bs, (bytes.length + bs - 1) / bs * bs);
            ByteBuffer buf = ByteBuffer.allocate(length).put(bytes);
            buf.clear();
            await(disk, h.write(offset, buf));
            return "wrote " + length + " bytes at " + offset + " to " + disk;
        }
    }

    /**
     * @return the bytes read, as text up to the first zero byte
     */
    @Descriptor("read bytes at an offset of a disk and print them as text (up to the first zero byte)")
    public String read(@Descriptor("the disk, e.g. ram0") @Completes(ArgumentKind.DISK) String disk,
            @Descriptor("the byte offset, a multiple of the block size") long offset,
            @Descriptor("the length, a multiple of the block size") int length) {
        try (DiskHandle h = block().open(disk)) {
            if (length <= 0 || length > (16 << 20)) {
                throw new DriverModelException(Errno.EINVAL, disk, "length " + length + " is not 1 to 16 MiB");
            }
            ByteBuffer buf = ByteBuffer.allocate(length);
            await(disk, h.read(offset, buf));
            int end = 0;
            while (end < length && buf.get(end) != 0) {
                end++;
            }
            return new String(buf.array(), 0, end, StandardCharsets.UTF_8);
        }
    }

    /**
     * @return what was checked
     */
    @Descriptor("write a pattern to the first blocks of a disk, read them back and compare")
    public String check(@Descriptor("the disk, e.g. ram0") @Completes(ArgumentKind.DISK) String disk,
            @Descriptor("how many blocks (default: up to 256)") int... blocks) {
        try (DiskHandle h = block().open(disk)) {
            DiskSpec s = h.spec();
            long max = s.capacity() / s.blockSize();
            int n = blocks == null || blocks.length == 0 ? (int) Math.min(256, max) : blocks[0];
            if (blocks != null && blocks.length > 1 || n < 1 || n > max) {
                throw new DriverModelException(Errno.EINVAL, disk, "block count must be one number from 1 to " + max);
            }
            if (s.readOnly()) {
                throw new DriverModelException(Errno.EROFS, disk, "disk is read-only: nothing to check by writing");
            }
            int bs = s.blockSize();
            long seed = System.nanoTime();
            for (int i = 0; i < n; i++) {
                await(disk, h.write((long) i * bs, pattern(seed, i, bs)));
            }
            await(disk, h.flush());
            ByteBuffer got = ByteBuffer.allocate(bs);
            for (int i = 0; i < n; i++) {
                got.clear();
                await(disk, h.read((long) i * bs, got));
                got.clear();
                if (!got.equals(pattern(seed, i, bs))) {
                    throw new DriverModelException(Errno.EIO, disk, "block " + i + " read back differs from what was written");
                }
            }
            return disk + ": " + n + " blocks written, flushed, read back and compared: all match";
        }
    }

    private static ByteBuffer pattern(long seed, int block, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        long x = seed ^ (block * 0x9E3779B97F4A7C15L);
        while (b.hasRemaining()) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.put((byte) x);
        }
        return b.clear();
    }

    private static void await(String disk, CompletionStage<Void> io) {
        try {
            io.toCompletableFuture().get(IO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DriverModelException dme) {
                throw dme;
            }
            throw new DriverModelException(Errno.EIO, disk, "I/O failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new DriverModelException(Errno.ETIMEDOUT, disk, "no completion within " + IO_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverModelException(Errno.EINTR, disk, "interrupted while waiting for the I/O");
        }
    }

    private BlockLayer block() {
        BlockLayer b = block;
        if (b == null) {
            throw new DriverModelException(Errno.ENODEV, "/class/block", "the block layer is not running");
        }
        return b;
    }

    /** @param args what {@code write} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String write(String... args) {
        throw Arguments.wrong("block:write", "<disk> <offset> <text>", args);
    }

    /** @param args what {@code read} was given, if not what it takes. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String read(String... args) {
        throw Arguments.wrong("block:read", "<disk> <offset> <length>", args);
    }
}
