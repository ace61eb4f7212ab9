package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.drivermodel.api.AccessMode;
import org.drivermodel.api.AttributeDirectory;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BundleAction;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceClass;
import org.drivermodel.api.DeviceRef;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.api.FileStat;
import org.drivermodel.api.LifetimeReport;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.api.UsagePin;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * One bundle's view of the driver core (the service is bundle-scoped, see
 * {@link CoreServiceFactory}): everything the bundle takes or registers through it — references,
 * pins, open attribute files, classes — is attributed to the bundle, and whatever it still holds
 * when it ungets the service (it stops) is released and reported as a
 * {@linkplain Leak.Kind#BUNDLE bundle leak}. Queries go straight to the model.
 *
 * <p>Concurrency: {@link #held} is a concurrent set. Each object is added before it is returned
 * to the bundle, so its close (which removes it) always comes after; {@link #released} refuses
 * new acquisitions once the bundle let go of the service.
 */
final class CoreFacade implements DriverCore {
    private final DeviceModel model;
    private final String holder;
    private final Set<AutoCloseable> held = ConcurrentHashMap.newKeySet(); /* what the bundle holds now */
    private final Consumer<AutoCloseable> closed = held::remove;
    private volatile boolean released; /* set once by release(); acquisitions check it before and after accounting */

    CoreFacade(DeviceModel model, String holder) {
        this.model = model;
        this.holder = holder;
    }

    String holder() {
        return holder;
    }

    /**
     * The bundle let go of the service (it is stopping): releases what it still holds and
     * reports it. Context: the framework's unget, no core lock held.
     */
    void release() {
        released = true;
        List<String> left = new ArrayList<>();
        Set<String> holders = new LinkedHashSet<>();
        holders.add(holder);
        while (!held.isEmpty()) { // an acquisition racing with this adds, sees released and closes its own
            for (AutoCloseable thing : List.copyOf(held)) {
                if (held.remove(thing)) {
                    left.add(thing.toString());
                    if (thing instanceof TrackedDeviceRef r && r.usedBy() != null) {
                        holders.add(r.usedBy()); // handed on: the bundle that used it holds it too
                    }
                    try {
                        thing.close();
                    } catch (Exception e) { // a double put reported by the reference: the release goes on
                        left.add("  (closing it failed: " + e.getMessage() + ")");
                    }
                }
            }
        }
        if (!left.isEmpty()) {
            model.usage().leaks().record(Leak.Kind.BUNDLE, holder, List.copyOf(holders),
                    holder + " went without releasing " + left.size() + " object(s), released now: " + String.join("; ", left));
        }
    }

    /** Accounts an acquisition; if the bundle let go of the service meanwhile, undoes it: ENODEV. */
    private <T extends AutoCloseable> T account(T thing) {
        held.add(thing);
        if (released && held.remove(thing)) {
            try {
                thing.close();
            } catch (Exception ignored) {
                // undoing an acquisition nobody saw
            }
            throw new DriverModelException(Errno.ENODEV, holder, "its view of the driver core was released");
        }
        return thing;
    }

    private void checkLive() {
        if (released) {
            throw new DriverModelException(Errno.ENODEV, holder, "its view of the driver core was released");
        }
    }

    @Override
    public DeviceRef hold(String device) {
        checkLive();
        return account(model.usage().hold(device, holder, closed));
    }

    @Override
    public UsagePin pin(String device, String reason) {
        checkLive();
        return account(model.usage().pin(device, reason, holder, closed));
    }

    @Override
    public AttributeFile open(String path) {
        checkLive();
        return account(new AccountedFile(model.open(path), closed));
    }

    @Override
    public AttributeFile open(String path, AccessMode mode) {
        checkLive();
        return account(new AccountedFile(model.open(path, mode), closed));
    }

    @Override
    public AttributeDirectory openDirectory(String path) {
        checkLive();
        return account(new AccountedDirectory(model.openDirectory(path), closed));
    }

    @Override
    public FileStat stat(String path) {
        return model.stat(path);
    }

    @Override
    public DeviceClass registerClass(String name, List<AttributeGroup<Device>> attributes) {
        checkLive();
        return account(new AccountedClass(model.registerClass(name, attributes), closed));
    }

    @Override
    public void manage(String bus, String driver, BundleAction action, boolean force) {
        model.usage().manage(model.driver(bus, driver), action, force, holder);
    }

    // ---- queries and commands that acquire nothing --------------------------------------------

    @Override
    public List<String> buses() {
        return model.buses();
    }

    @Override
    public List<Device> devices() {
        return model.devices();
    }

    @Override
    public List<DriverInfo> drivers() {
        return model.drivers();
    }

    @Override
    public Device device(String pathOrName) {
        return model.device(pathOrName);
    }

    @Override
    public List<Device> boundDevices(String bus, String driver) {
        return model.boundDevices(bus, driver);
    }

    @Override
    public void bind(String bus, String driver, String device) {
        model.bind(bus, driver, device);
    }

    @Override
    public void unbind(String bus, String driver, String device) {
        model.unbind(bus, driver, device);
    }

    @Override
    public void setDriverOverride(String device, String driver) {
        model.setDriverOverride(device, driver);
    }

    @Override
    public boolean autoprobe(String bus) {
        return model.autoprobe(bus);
    }

    @Override
    public void setAutoprobe(String bus, boolean on) {
        model.setAutoprobe(bus, on);
    }

    @Override
    public List<String> list(String path) {
        return model.list(path);
    }

    @Override
    public Map<String, String> deferredDevices() {
        return model.deferredDevices();
    }

    @Override
    public List<String> classes() {
        return model.classes();
    }

    @Override
    public LifetimeReport report() {
        return model.report();
    }

    @Override
    public boolean awaitProbes(java.time.Duration timeout) {
        return model.awaitProbes(timeout);
    }

    @Override
    public String toString() {
        return "DriverCore[" + holder + "]";
    }

    /** An attribute file opened through a bundle's view: its close is accounted. */
    private static final class AccountedFile implements AttributeFile {
        private final AttributeFile file;
        private final Consumer<AutoCloseable> closed;

        AccountedFile(AttributeFile file, Consumer<AutoCloseable> closed) {
            this.file = file;
            this.closed = closed;
        }

        @Override
        public String path() {
            return file.path();
        }

        @Override
        public int mode() {
            return file.mode();
        }

        @Override
        public String read() {
            return file.read();
        }

        @Override
        public String read(int max) {
            return file.read(max);
        }

        @Override
        public void seek(long position) {
            file.seek(position);
        }

        @Override
        public long position() {
            return file.position();
        }

        @Override
        public void write(String value) {
            file.write(value);
        }

        @Override
        public boolean awaitChange(Duration timeout) {
            return file.awaitChange(timeout);
        }

        @Override
        public void close() {
            try {
                file.close();
            } finally {
                closed.accept(this);
            }
        }

        @Override
        public String toString() {
            return "open file " + file.path();
        }
    }

    /** A directory opened through a bundle's view: its close is accounted. */
    private static final class AccountedDirectory implements AttributeDirectory {
        private final AttributeDirectory dir;
        private final Consumer<AutoCloseable> closed;

        AccountedDirectory(AttributeDirectory dir, Consumer<AutoCloseable> closed) {
            this.dir = dir;
            this.closed = closed;
        }

        @Override
        public String path() {
            return dir.path();
        }

        @Override
        public List<String> list() {
            return dir.list();
        }

        @Override
        public void close() {
            try {
                dir.close();
            } finally {
                closed.accept(this);
            }
        }

        @Override
        public String toString() {
            return "open directory " + dir.path();
        }
    }

    /** A class registered through a bundle's view: its unregistration is accounted. */
    private static final class AccountedClass implements DeviceClass {
        private final DeviceClass cls;
        private final Consumer<AutoCloseable> closed;

        AccountedClass(DeviceClass cls, Consumer<AutoCloseable> closed) {
            this.cls = cls;
            this.closed = closed;
        }

        @Override
        public String name() {
            return cls.name();
        }

        @Override
        public Device addDevice(String name, Map<String, String> properties, Device parent) {
            return cls.addDevice(name, properties, parent);
        }

        @Override
        public void removeDevice(String name) {
            cls.removeDevice(name);
        }

        @Override
        public void close() {
            try {
                cls.close();
            } finally {
                closed.accept(this);
            }
        }

        @Override
        public String toString() {
            return "class " + cls.name() + " (registered)";
        }
    }
}
