package org.drivermodel.testkit.unload.impl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * Finds the attribute files of devices: every file under each device's directory (its child
 * devices' too), but not through its {@code driver} link, the only link under /devices. Each file
 * is read once; a readable file whose owner accepts the value read written back is writable. A
 * write-only file is left alone: writing unknown text to a trigger could do anything.
 *
 * <p>Runs in the caller's thread, before the load.
 */
public final class AttributeFiles {
    private static final String DRIVER_LINK = "driver";

    private AttributeFiles() {
    }

    /**
     * @param core        the core, as the caller sees it
     * @param devicePaths the devices' directories
     * @return the readable files under them, sorted by device and name
     */
    public static List<AttributeTarget> under(DriverCore core, List<String> devicePaths) {
        List<AttributeTarget> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String dir : devicePaths) {
            walk(core, dir, out, seen);
        }
        return out;
    }

    private static void walk(DriverCore core, String dir, List<AttributeTarget> out, Set<String> seen) {
        for (String name : core.list(dir)) {
            String path = dir + "/" + name;
            if (name.equals(DRIVER_LINK) || !seen.add(path)) {
                continue;
            }
            AttributeFile file;
            try {
                file = core.open(path);
            } catch (DriverModelException e) {
                if (e.errno() == Errno.EINVAL) { // a directory: a group or a child device
                    walk(core, path, out, seen);
                }
                continue; // ENOENT: gone meanwhile
            }
            try (file) {
                classify(file, path, out);
            }
        }
    }

    private static void classify(AttributeFile file, String path, List<AttributeTarget> out) {
        String value;
        try {
            value = file.read();
        } catch (DriverModelException e) {
            if (e.errno() != Errno.EACCES) {
                out.add(new AttributeTarget(path, false)); // readable, failing: the load will say so
            }
            return;
        }
        boolean writable;
        try {
            file.write(value);
            writable = true;
        } catch (DriverModelException e) {
            writable = false; // EACCES: read-only; EINVAL: the owner does not take back what it shows
        }
        out.add(new AttributeTarget(path, writable));
    }
}
