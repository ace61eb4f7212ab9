package org.drivermodel.storm.impl;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * An attribute thread of the storm: over and over, it opens an attribute file of a device the
 * storm plugged (its driver's when it has one: testdrv's {@code value}, vled's
 * {@code brightness}, the untrusted drivers' faulty ones; else its bus's {@code idProduct}; see
 * {@link StormDevices#attributeOf}), reads or writes it a few times through the handle and
 * closes it. The open, each read and write and the close are entered in the books: an open may
 * fail with ENOENT (the device or its driver went), a read or write with ENODEV (it went while
 * the handle was open) or with what that file's driver gives by design (EIO for a show or store
 * that throws); a close must not fail. A read whose file says what it must show is checked: a
 * page cut from a huge show must be exactly a page, and a show that always throws must never
 * succeed.
 *
 * <p>Concurrency: one thread; shares only the storm's slot map (a concurrent map) and the books.
 */
final class AttributeWorker implements Runnable {
    /** Operations per open handle. */
    static final int MAX_OPS = 3;

    private static final Set<Errno> OPEN_ERRORS = Set.of(Errno.ENOENT, Errno.ENODEV);

    private final DriverCore core;
    private final Map<Integer, PluggedDevice> slots;
    private final Accounting books;
    private final BooleanSupplier running;
    private final Random random;

    AttributeWorker(DriverCore core, Map<Integer, PluggedDevice> slots, Accounting books, BooleanSupplier running,
            long seed) {
        this.core = core;
        this.slots = slots;
        this.books = books;
        this.running = running;
        this.random = new Random(seed);
    }

    @Override
    public void run() {
        while (running.getAsBoolean()) {
            List<PluggedDevice> devices = List.copyOf(slots.values());
            if (devices.isEmpty()) {
                Idle.pause();
                continue;
            }
            PluggedDevice d = devices.get(random.nextInt(devices.size()));
            StormDevices.AttributeUse use = d.attribute();
            String path = d.path() + "/" + use.name();
            AttributeFile f = open(path);
            if (f != null) {
                int n = 1 + random.nextInt(MAX_OPS);
                for (int i = 0; i < n; i++) {
                    boolean write = use.writable() && (!use.readable() || random.nextBoolean());
                    long id = books.begin((write ? "write " : "read ") + path, use.errors());
                    try {
                        if (write) {
                            f.write(Integer.toString(random.nextInt(256)));
                            if (use.storeFails()) {
                                books.endWrong(id, "the write succeeded; its store always throws");
                                continue;
                            }
                        } else {
                            String shown = f.read();
                            if (use.shows() != null && !use.shows().matcher(shown).matches()) {
                                books.endWrong(id, "read " + shown.length() + " character(s) "
                                        + DriverModelException.quote(shown.length() > 40 ? shown.substring(0, 40) + "..." : shown)
                                        + ", not what it must show (" + use.shows() + ")");
                                continue;
                            }
                        }
                        books.end(id, null);
                    } catch (RuntimeException e) {
                        books.end(id, e);
                    }
                }
                long id = books.begin("close " + path, Set.of());
                try {
                    f.close();
                    books.end(id, null);
                } catch (RuntimeException e) {
                    books.end(id, e);
                }
            }
            Idle.pause();
        }
    }

    private AttributeFile open(String path) {
        long id = books.begin("open " + path, OPEN_ERRORS);
        try {
            AttributeFile f = core.open(path);
            books.end(id, null);
            return f;
        } catch (RuntimeException e) {
            books.end(id, e);
            return null;
        }
    }
}
