package org.drivermodel.testkit.unload.impl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;

/**
 * One load thread's work on attribute files: round after round over every file, it reads each
 * (and writes the value back where the file is writable), on even rounds through a handle it
 * keeps open across rounds (so that handles orphaned by the unload are used), on odd rounds
 * through a handle opened for the occasion (so that opens race the removal). Every outcome goes
 * to the tally.
 *
 * <p>Concurrency: each instance is run by one load thread and its handles are confined to it;
 * the tally and the {@link LoadThreads#ending()} flag are what it shares.
 */
public final class AttributeLoad implements Runnable {
    private final DriverCore core;
    private final List<AttributeTarget> files;
    private final LoadTally tally;
    private final LoadThreads threads;
    private final Map<String, AttributeFile> kept = new HashMap<>(); /* confined to the load thread */

    /**
     * @param core    the core, as the proof's caller sees it
     * @param files   the files to load
     * @param tally   where outcomes go
     * @param threads whose {@code ending} flag ends the load
     */
    public AttributeLoad(DriverCore core, List<AttributeTarget> files, LoadTally tally, LoadThreads threads) {
        this.core = core;
        this.files = List.copyOf(files);
        this.tally = tally;
        this.threads = threads;
    }

    @Override
    public void run() {
        try {
            for (long round = 0; !threads.ending(); round++) {
                for (AttributeTarget f : files) {
                    if (round % 2 == 0) {
                        throughKeptHandle(f);
                    } else {
                        throughNewHandle(f);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            tally.unexpected("load thread died: " + e);
        } finally {
            for (Map.Entry<String, AttributeFile> e : kept.entrySet()) {
                close(e.getKey(), e.getValue());
            }
        }
    }

    private void throughKeptHandle(AttributeTarget f) {
        AttributeFile h = kept.get(f.path());
        if (h == null) {
            try {
                h = core.open(f.path());
            } catch (DriverModelException e) {
                tally.failed("open " + f.path(), e);
                return;
            }
            kept.put(f.path(), h);
        }
        use(h, f);
    }

    private void throughNewHandle(AttributeTarget f) {
        AttributeFile h;
        try {
            h = core.open(f.path());
        } catch (DriverModelException e) {
            tally.failed("open " + f.path(), e);
            return;
        }
        use(h, f);
        close(f.path(), h);
    }

    private void use(AttributeFile h, AttributeTarget f) {
        String value;
        try {
            value = h.read();
            tally.ok();
        } catch (DriverModelException e) {
            tally.failed("read " + f.path(), e);
            return;
        } catch (RuntimeException e) {
            tally.unexpected("read " + f.path() + ": " + e);
            return;
        }
        if (f.writable()) {
            try {
                h.write(value);
                tally.ok();
            } catch (DriverModelException e) {
                tally.failed("write " + f.path(), e);
            } catch (RuntimeException e) {
                tally.unexpected("write " + f.path() + ": " + e);
            }
        }
    }

    private void close(String path, AttributeFile h) {
        try {
            h.close();
        } catch (DriverModelException e) {
            tally.unexpected("close " + path + ": " + e); // the owner's release hook failed
        }
    }
}
