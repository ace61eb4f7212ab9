package org.drivermodel.shell.karaf.impl;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.drivermodel.api.Device;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.shell.ArgumentKind;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The names that exist now, per {@link ArgumentKind}, for completion: read from the core (and,
 * for bundles, the framework) at each request, never cached, so a device plugged a moment ago
 * completes. A lookup that fails (a directory removed while listing it) gives fewer names, never
 * an error: completion is advice.
 *
 * <p>Thread-safe: no state besides the services it reads.
 */
final class Names {

    /** A candidate: its text, and whether it is complete (a directory path is not: more follows its slash). */
    record Name(String value, boolean complete) {
    }

    private final DriverCore core;
    private final BundleContext context;

    Names(DriverCore core, BundleContext context) {
        this.core = core;
        this.context = context;
    }

    /**
     * @param kind   what the argument names
     * @param typed  what is typed of it so far
     * @param before the command's arguments before it
     * @return the names starting with {@code typed}, sorted
     */
    List<Name> complete(ArgumentKind kind, String typed, List<String> before) {
        try {
            if (kind == ArgumentKind.ATTRIBUTE_PATH) {
                return paths(typed);
            }
            return words(kind, before).filter(Objects::nonNull).filter(w -> w.startsWith(typed))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new))
                    .stream().map(w -> new Name(w, true)).toList();
        } catch (DriverModelException | IllegalStateException gone) {
            return List.of(); // the core or the framework went away meanwhile
        }
    }

    private Stream<String> words(ArgumentKind kind, List<String> before) {
        return switch (kind) {
            case DEVICE -> core.devices().stream().map(d -> d.deviceClass().isPresent() ? d.path() : d.bus() + "/" + d.name());
            case DEVICE_NAME -> {
                String bus = before.stream().filter(w -> w.indexOf('/') > 0).map(w -> w.substring(0, w.indexOf('/')))
                        .reduce((a, b) -> b).orElse(null);
                yield core.devices().stream().filter(d -> d.deviceClass().isEmpty() && (bus == null || bus.equals(d.bus())))
                        .map(Device::name);
            }
            case VBUS_DEVICE -> core.devices().stream().filter(d -> "vbus".equals(d.bus())).map(Device::name);
            case DRIVER -> core.drivers().stream().map(DriverInfo::name);
            case BUS_DRIVER -> core.drivers().stream().map(d -> d.bus() + "/" + d.name());
            case BUS -> core.buses().stream();
            case DRIVER_BUNDLE -> driverBundles();
            case DISK -> listed("/class/block").stream();
            case ATTRIBUTE_PATH -> throw new IllegalArgumentException("paths are completed by paths()");
        };
    }

    /**
     * @return the bundles that registered a driver, and those that could be started (resolved
     *         or installed, not fragments): {@code driver:start} starts a stopped driver bundle
     */
    private Stream<String> driverBundles() {
        Stream<String> registered = core.drivers().stream().map(d -> context.getBundle(d.bundleId()))
                .filter(Objects::nonNull).map(Bundle::getSymbolicName);
        Stream<String> startable = Stream.of(context.getBundles())
                .filter(b -> (b.getState() & (Bundle.RESOLVED | Bundle.INSTALLED)) != 0)
                .filter(b -> b.getHeaders("").get("Fragment-Host") == null)
                .map(Bundle::getSymbolicName);
        return Stream.concat(registered, startable);
    }

    /** Completes a path of the attribute tree one level at a time, as a shell completes file names. */
    private List<Name> paths(String typed) {
        String dir;
        if (typed.isEmpty() || !typed.startsWith("/")) {
            dir = "/";
        } else {
            int slash = typed.lastIndexOf('/');
            dir = slash == 0 ? "/" : typed.substring(0, slash);
        }
        String base = dir.endsWith("/") ? dir : dir + "/";
        return listed(dir).stream().map(n -> base + n).filter(p -> p.startsWith(typed)).sorted()
                .map(p -> isDirectory(p) ? new Name(p + "/", false) : new Name(p, true)).toList();
    }

    private boolean isDirectory(String path) {
        try {
            core.list(path);
            return true;
        } catch (DriverModelException notADirectoryOrGone) {
            return false;
        }
    }

    private List<String> listed(String dir) {
        try {
            return core.list(dir);
        } catch (DriverModelException gone) {
            return List.of();
        }
    }
}
