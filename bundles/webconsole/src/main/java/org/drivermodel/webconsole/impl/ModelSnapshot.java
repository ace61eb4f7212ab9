package org.drivermodel.webconsole.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * What the page shows, as plain maps and lists for {@link Json}: buses, classes, devices (state,
 * driver, driver bundle, parent), drivers (bundle, bound devices), the driver bundles (also those
 * stopped, which the page offers to start), the lifetime report and the recent uevents; and one
 * device with its attribute files and their values. Every value is read from the model when the
 * snapshot is made: the snapshot holds no handle, reference or pin.
 *
 * <p>Attribute values are read only for the one device asked for ({@link #device}), not in the
 * whole-model snapshot the page polls: a read calls the driver's {@code show}, and a poll must
 * not call into every driver twice a second.
 *
 * <p>Thread-safety: stateless but for {@code driverBundles}, a concurrent set the caller owns.
 */
final class ModelSnapshot {

    private final DriverCore core;
    private final BundleContext context;
    private final Set<Long> driverBundles;

    /**
     * @param driverBundles the ids of the bundles ever seen registering a driver (thread-safe;
     *                      added to here), so that a stopped driver bundle stays listed
     */
    ModelSnapshot(DriverCore core, BundleContext context, Set<Long> driverBundles) {
        this.core = core;
        this.context = context;
        this.driverBundles = driverBundles;
    }

    /** @return the whole model, without attribute values */
    Map<String, Object> model(UeventLog uevents, String token) {
        List<DriverInfo> drivers = core.drivers();
        drivers.forEach(d -> driverBundles.add(d.bundleId()));
        List<Device> devices = core.devices();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sequence", uevents.sequence());
        m.put("token", token);
        List<Object> buses = new ArrayList<>();
        for (String bus : core.buses()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("name", bus);
            b.put("autoprobe", autoprobe(bus));
            b.put("devices", devices.stream().filter(d -> bus.equals(d.bus())).map(Device::path).toList());
            buses.add(b);
        }
        m.put("buses", buses);
        List<Object> classes = new ArrayList<>();
        for (String c : core.classes()) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("name", c);
            k.put("devices", devices.stream().filter(d -> d.deviceClass().filter(c::equals).isPresent()).map(Device::path).toList());
            classes.add(k);
        }
        m.put("classes", classes);
        m.put("devices", devices.stream().map(d -> device(d, drivers)).toList());
        List<Object> ds = new ArrayList<>();
        for (DriverInfo d : drivers) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", d.name());
            x.put("bus", d.bus());
            x.put("bundle", bundle(d.bundleId()));
            x.put("bound", bound(d));
            ds.add(x);
        }
        m.put("drivers", ds);
        m.put("driverBundles", driverBundles.stream().sorted().map(this::bundle).filter(b -> b.get("state") != null).toList());
        m.put("report", report(core.report()));
        m.put("uevents", uevents.recent().stream().map(e -> map("seq", e.seq(), "when", e.when().toString(),
                "type", e.type(), "devpath", e.devpath())).toList());
        return m;
    }

    /**
     * @param path a device's path or {@code <bus>/<name>}
     * @return the device with its attribute files: name, mode, and value or errno
     * @throws DriverModelException ENOENT for an unknown device, EINVAL for a malformed path
     */
    Map<String, Object> device(String path) {
        Device d = core.device(path);
        Map<String, Object> m = device(d, core.drivers());
        List<Object> attributes = new ArrayList<>();
        for (String name : core.list(d.path())) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("name", name);
            String file = d.path() + "/" + name;
            try (AttributeFile f = core.open(file)) {
                a.put("path", f.path());
                a.put("mode", String.format("0%o", f.mode()));
                a.put("writable", (f.mode() & 0200) != 0);
                if ((f.mode() & 0400) != 0) {
                    try {
                        String v = f.read();
                        a.put("value", v.endsWith("\n") ? v.substring(0, v.length() - 1) : v);
                    } catch (DriverModelException e) {
                        a.put("errno", e.errno().name());
                        a.put("error", e.getMessage());
                    }
                }
            } catch (DriverModelException e) {
                if (e.errno() == Errno.EINVAL) {
                    continue; // a directory or a link to one (driver, subsystem, a child): not a file
                }
                a.put("errno", e.errno().name());
                a.put("error", e.getMessage());
            }
            attributes.add(a);
        }
        m.put("attributes", attributes);
        return m;
    }

    private Map<String, Object> device(Device d, List<DriverInfo> drivers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", d.path());
        m.put("name", d.name());
        m.put("bus", d.bus());
        m.put("class", d.deviceClass().orElse(null));
        m.put("state", d.state().name());
        m.put("driver", d.driver().orElse(null));
        m.put("driverOverride", d.driverOverride().orElse(null));
        m.put("parent", d.parent().map(Device::path).orElse(null));
        m.put("driverBundle", d.driver().flatMap(name -> drivers.stream()
                .filter(x -> x.name().equals(name) && x.bus().equals(d.bus())).findFirst())
                .map(x -> (Object) bundle(x.bundleId())).orElse(null));
        return m;
    }

    private List<String> bound(DriverInfo d) {
        try {
            return core.boundDevices(d.bus(), d.name()).stream().map(Device::name).toList();
        } catch (DriverModelException e) {
            return List.of(); // the driver went between drivers() and here
        }
    }

    private Object autoprobe(String bus) {
        try {
            return core.autoprobe(bus);
        } catch (DriverModelException e) {
            return null; // the bus went between buses() and here
        }
    }

    private Map<String, Object> bundle(long id) {
        Bundle b = context.getBundle(id);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("symbolicName", b == null ? null : b.getSymbolicName());
        m.put("state", b == null ? null : state(b.getState()));
        return m;
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }

    /** @return a map of the keys and values, in order; a value may be null (JSON null) */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** @return the lifetime report as maps: references, pins, leaks (the faults among them) */
    static Map<String, Object> report(LifetimeReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("references", r.references().stream().map(x -> map("object", x.object(), "holder", x.holder(),
                "count", x.count(), "takenAt", x.takenAt())).toList());
        m.put("pins", r.pins().stream().map(p -> map("device", p.device(), "driver", p.driver(),
                "holder", p.holder(), "reason", p.reason())).toList());
        m.put("leaks", r.leaks().stream().map(l -> map("when", l.when().toString(), "kind", l.kind().name(),
                "object", l.object(), "holders", l.holders(), "detail", l.detail())).toList());
        return m;
    }
}
