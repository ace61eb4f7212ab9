package org.drivermodel.core.impl;

import java.util.List;

import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.Bus;
import org.drivermodel.api.Device;
import org.drivermodel.core.impl.sysfs.TreeDirectory;

/**
 * What the core keeps of a subsystem: an attached bus or a registered device class. Both own a
 * namespace of devices; only a bus's devices are matched against drivers. Data only: the bus
 * holds a {@link BusHandle}, a class's registrant a {@link ClassHandle}.
 *
 * <p>Concurrency: {@link #state} and {@link #devices} are guarded by the model lock
 * ({@link Registry#lock}).
 */
final class Subsystem {
    /** A bus (Linux {@code bus_type}) or a class (Linux {@code class}). */
    enum Kind {
        /** Devices on it are matched and bound to drivers; they live under /devices/&lt;bus&gt;. */
        BUS,
        /** Class devices: no driver binds them; parentless ones live under /devices/virtual/&lt;class&gt;. */
        CLASS
    }

    /** Lifecycle of a bus attachment. */
    enum State {
        /** Attached: devices may be added. */
        LIVE,
        /** Its service is unregistering: its devices are being removed, none may be added. */
        DYING,
        /** Detached: the context is dead. */
        GONE
    }

    private final Kind kind;
    private final Bus bus; /* null for a class */
    private final String name;
    private final long bundleId;
    private final List<AttributeGroup<Device>> classAttributes; /* a class's default attributes */

    private final String path;    /* the directory of its parentless devices */
    private final String linkDir; /* where its devices are linked */
    private TreeDirectory directory; /* guarded by model.lock; the directory at path, set once laid out */
    private TreeDirectory links;     /* guarded by model.lock; the directory at linkDir, set once laid out */
    private DeviceFiles deviceFiles; /* guarded by model.lock; its devices' default files, as last split */

    State state = State.LIVE; /* guarded by model.lock */
    volatile boolean autoprobe = true; /* Linux drivers_autoprobe; a plain flag, read without locks */
    final DeviceTable devices = new DeviceTable(); /* guarded by model.lock; by name, in add order */

    private Subsystem(Kind kind, Bus bus, String name, long bundleId, List<AttributeGroup<Device>> classAttributes) {
        this.kind = kind;
        this.bus = bus;
        this.name = name;
        this.bundleId = bundleId;
        this.classAttributes = classAttributes;
        this.path = kind == Kind.BUS ? "/devices/" + name : "/devices/virtual/" + name;
        this.linkDir = kind == Kind.BUS ? "/bus/" + name + "/devices" : "/class/" + name;
    }

    static Subsystem bus(Bus bus, String name, long bundleId) {
        return new Subsystem(Kind.BUS, bus, name, bundleId, List.of());
    }

    static Subsystem deviceClass(String name, List<AttributeGroup<Device>> attributes) {
        return new Subsystem(Kind.CLASS, null, name, -1, List.copyOf(attributes));
    }

    Kind kind() {
        return kind;
    }

    boolean isBus() {
        return kind == Kind.BUS;
    }

    /** @return a class's default device attributes; none for a bus (ask the bus) */
    List<AttributeGroup<Device>> classAttributes() {
        return classAttributes;
    }

    Bus bus() {
        return bus;
    }

    String name() {
        return name;
    }

    long bundleId() {
        return bundleId;
    }

    /** @return the directory of its parentless devices */
    String path() {
        return path;
    }

    /** @return where its devices are linked: /bus/&lt;bus&gt;/devices or /class/&lt;class&gt; */
    String linkDir() {
        return linkDir;
    }

    /** Context: the model lock is held, as the subsystem is laid out. */
    void laidOut(TreeDirectory directory, TreeDirectory links) {
        this.directory = directory;
        this.links = links;
    }

    /** @return the directory of its parentless devices. Context: the model lock is held. */
    TreeDirectory directory() {
        return directory;
    }

    /**
     * @return its devices' default files, split into shared files and per-device groups; made
     *         again only when the groups differ from the last ones. Context: the model lock is held
     */
    DeviceFiles deviceFiles(AttributeGroup<Device> core, List<AttributeGroup<Device>> groups) {
        DeviceFiles f = deviceFiles;
        if (f == null || !f.madeOf(groups)) {
            f = DeviceFiles.of(core, groups);
            deviceFiles = f;
        }
        return f;
    }

    /** @return the directory its devices are linked in. Context: the model lock is held. */
    TreeDirectory links() {
        return links;
    }

    @Override
    public String toString() {
        return path();
    }
}
