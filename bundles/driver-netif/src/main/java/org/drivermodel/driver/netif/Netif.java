package org.drivermodel.driver.netif;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * One network interface's kernel files, held open from probe to unbind: each read is a
 * {@code pread} at offset 0 of the file opened at probe, so when the kernel deletes the
 * interface the read answers the kernel's own {@code ENODEV}, as a C program holding the file
 * would see it, and it is passed on as the model's ENODEV.
 *
 * <p>Concurrency: reads of one file may run on many threads at once (positional reads share no
 * position); {@link #close} runs once, at unbind, after the core has drained the attribute
 * files.
 */
final class Netif implements AutoCloseable {

    /** The files read, by the attribute that shows each. */
    enum File {
        RX_BYTES("statistics/rx_bytes"), TX_BYTES("statistics/tx_bytes"), OPERSTATE("operstate"), CARRIER("carrier"),
        MTU("mtu");

        final String relative;

        File(String relative) {
            this.relative = relative;
        }

        /** @return the attribute's name: {@code rx_bytes}, ... */
        String attribute() {
            return name().toLowerCase();
        }
    }

    private final Path dir;
    private final Map<File, FileChannel> open = new EnumMap<>(File.class); // filled at open, read-only after

    private Netif(Path dir) {
        this.dir = dir;
    }

    /**
     * @param dir the interface's directory under {@code /sys}
     * @return its files, open
     * @throws DriverModelException ENODEV if the interface is gone already, EIO if a file does not open
     */
    static Netif open(Path dir) {
        Netif n = new Netif(dir);
        try {
            for (File f : File.values()) {
                n.open.put(f, FileChannel.open(dir.resolve(f.relative), StandardOpenOption.READ));
            }
            return n;
        } catch (NoSuchFileException gone) {
            n.close();
            throw new DriverModelException(Errno.ENODEV, dir.toString(), "the interface is gone: " + gone.getFile() + " does not exist");
        } catch (IOException e) {
            n.close();
            throw new DriverModelException(Errno.EIO, dir.toString(), "opening its files: " + e);
        }
    }

    /**
     * @param f    the file
     * @param path the attribute's path, for errors
     * @return the file's content now, as the kernel's {@code show} wrote it
     * @throws DriverModelException the kernel's error: ENODEV once the interface is deleted,
     *         EINVAL where the kernel refuses the read (e.g. {@code carrier} of an interface that
     *         is down), EIO otherwise
     */
    String read(File f, String path) {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try {
            FileChannel channel = open.get(f);
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                // the kernel's show fits one page: one read gives it all, the next one the end
            }
            buffer.flip();
            return StandardCharsets.UTF_8.decode(buffer).toString();
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage());
            Errno errno = why.contains("No such device") ? Errno.ENODEV : why.contains("Invalid argument") ? Errno.EINVAL : Errno.EIO;
            throw new DriverModelException(errno, path, "the kernel's " + dir.resolve(f.relative) + ": " + why);
        }
    }

    @Override
    public void close() {
        for (FileChannel c : open.values()) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a sysfs file does not fail in a way that matters here
            }
        }
    }
}
