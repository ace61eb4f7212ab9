package org.drivermodel.linux.impl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.drivermodel.linux.KernelDevice;

/**
 * Enumerates kernel devices from sysfs, as udev's coldplug does: each entry of
 * {@code <root>/class/<subsystem>} is a link to the device's directory under
 * {@code <root>/devices}; its {@code uevent} file holds its variables. A device that goes while
 * it is read is left out: the kernel's {@code remove} follows. Stateless.
 */
final class SysfsScan {
    private final Path root;

    /** @param root where sysfs is mounted ({@code /sys}; a directory of the same shape in tests) */
    SysfsScan(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** @return the devices of those subsystems, sorted by devpath (parents before children) */
    List<KernelDevice> scan(Set<String> subsystems) {
        List<KernelDevice> found = new ArrayList<>();
        for (String subsystem : subsystems) {
            Path dir = root.resolve("class").resolve(subsystem);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    device(entry, subsystem).ifPresent(found::add);
                }
            } catch (IOException gone) {
                // the class directory went while listing it: what was read stands
            }
        }
        found.sort(Comparator.comparing(KernelDevice::devpath));
        return found;
    }

    /**
     * @param devpath a device's path under sysfs
     * @return the variables of its {@code uevent} file, in the kernel's order
     * @throws IOException if the device is gone
     */
    Map<String, String> uevent(String devpath) throws IOException {
        return uevent(root.resolve(devpath.substring(1)));
    }

    private static Map<String, String> uevent(Path dir) throws IOException {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("uevent"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                variables.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return variables;
    }

    /** @return the device at {@code <root>/class/<subsystem>/<name>}, if it is still there */
    private Optional<KernelDevice> device(Path entry, String subsystem) {
        try {
            Path real = entry.toRealPath();
            Path relative = root.toRealPath().relativize(real);
            String devpath = "/" + relative.toString().replace('\\', '/');
            Map<String, String> variables = uevent(real);
            variables.put("SUBSYSTEM", subsystem);
            variables.put("DEVPATH", devpath);
            return Optional.of(new KernelDevice(subsystem, real.getFileName().toString(), devpath, variables));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }
}
