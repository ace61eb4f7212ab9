package org.drivermodel.linux.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import org.drivermodel.api.Bus;
import org.drivermodel.api.BusContext;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverInfo;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.linux.KernelDevice;
import org.drivermodel.linux.KernelEvent;
import org.drivermodel.linux.LinuxBus;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The {@code linux} bus: the kernel's devices of the configured subsystems, mirrored.
 *
 * <p>Two threads of its own, as udev has its monitor and its workers:
 * <ul>
 * <li>{@code linux-uevent-reader} reads the kernel's uevent socket ({@link UeventSocket}), logs
 * each message ({@link EventLog}) and queues it. It never calls the core, so a driver's probe
 * that blocks never stops it reading: the kernel's queue does not overflow behind a driver.</li>
 * <li>{@code linux-hotplug} applies the queue, in the kernel's order, to the model
 * ({@link Mirror}): a resynchronisation from sysfs first (coldplug: the socket is open before
 * sysfs is read, so no device falls between the two), then each event; again after an overflow.
 * It alone calls the core, and with no lock of this class held.</li>
 * </ul>
 * Where there is no uevent socket (not Linux, no permission, no JNA native part) the bus says why
 * in one log line and in its status (its service property {@value #STATUS}, shown by
 * {@code bus:list}), starts no thread and stays empty.
 *
 * <p>The bus service is registered by this component itself, not by Declarative Services, so
 * that its status can change; stopping unregisters it (the core removes every device, unbinding
 * drivers first), wakes the reader, and waits a bounded time for both threads.
 *
 * <p>Concurrency: the fields are written at activate or by {@link #attach} (once per
 * registration of the bus, so again after the core restarts: each attach has its own queue,
 * mirror and hotplug thread, and the earlier one is stopped) and read by the threads and the
 * shell: volatile. The queues, the thread list and the log are thread-safe.
 */
@Component(service = LinuxBus.class, configurationPid = BusConfig.PID, immediate = true)
public final class LinuxBusComponent implements LinuxBus, Bus {
    /** The service properties by which a bus tells its name and its status in one line (shown by {@code bus:list}). */
    static final String NAME_PROPERTY = "drivermodel.bus.name";
    static final String STATUS = "drivermodel.bus.status";
    private static final long JOIN_MILLIS = 5_000;

    /** What the hotplug thread does next: an event, a resynchronisation (event null), or stop. */
    private record Work(KernelEvent event, EventLog.Entry entry) {
    }

    private static final Work RESYNC = new Work(null, null);
    private static final Work STOP = new Work(null, null);

    @Reference(service = LoggerFactory.class)
    private Logger log;

    private final EventLog events = new EventLog();
    private final Set<String> badPatterns = ConcurrentHashMap.newKeySet();
    private final SysfsScan sysfs = new SysfsScan(Path.of("/sys"));

    /** Opens the kernel's uevent socket; a unit test's stands for a system without one. */
    interface Opener {
        UeventSocket open() throws IOException;
    }

    Opener opener = UeventSocket::open; /* set before activate, read at activate */

    private volatile Set<String> subsystems = BusConfig.DEFAULT;
    private volatile String status = "starting";
    private volatile UeventSocket socket;
    private volatile Mirror mirror;                 // of the latest attach
    private volatile BlockingQueue<Work> current;   // the queue of the latest attach's hotplug thread
    private volatile Thread reader;
    private final List<Thread> hotplugs = new CopyOnWriteArrayList<>();
    private volatile ServiceRegistration<Bus> registration;

    @Activate
    void activate(BundleContext context, Map<String, Object> config) {
        try {
            subsystems = BusConfig.subsystems(config);
        } catch (DriverModelException e) {
            log.error("{}; mirroring {} instead", e.getMessage(), BusConfig.DEFAULT);
        }
        try {
            UeventSocket s = opener.open();
            socket = s;
            status = "following kernel uevents (subsystems " + new TreeSet<>(subsystems) + ")";
            Thread r = new Thread(() -> readSocket(s), "linux-uevent-reader");
            r.setDaemon(true);
            reader = r;
            r.start();
        } catch (IOException e) {
            status = "no kernel uevents: " + e.getMessage() + "; the bus stays empty";
            log.warn("linux bus: {}", status);
        }
        registration = context.registerService(Bus.class, this, properties());
    }

    @Deactivate
    void deactivate() {
        UeventSocket s = socket;
        if (s != null) {
            s.wakeup();
        }
        BlockingQueue<Work> q = current;
        if (q != null) {
            q.add(STOP);
        }
        ServiceRegistration<Bus> r = registration;
        if (r != null) {
            r.unregister(); // the core removes every device of the bus before this returns
        }
        join(reader);
        hotplugs.forEach(this::join);
    }

    private void join(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.warn("linux bus: thread {} still runs {} ms after the stop", t.getName(), JOIN_MILLIS);
        }
    }

    private Hashtable<String, Object> properties() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(NAME_PROPERTY, NAME);
        p.put(STATUS, status);
        return p;
    }

    private void setStatus(String now) {
        status = now;
        ServiceRegistration<Bus> r = registration;
        if (r != null) {
            try {
                r.setProperties(properties());
            } catch (IllegalStateException stopped) {
                // unregistered meanwhile
            }
        }
    }

    // --- Bus -----------------------------------------------------------------------------

    @Override
    public String name() {
        return NAME;
    }

    /** As {@link DriverMatch}; a malformed expression is logged once per driver and expression. */
    @Override
    public boolean match(Device device, DriverInfo driver) {
        String name = driver.bus() + "/" + driver.name();
        return DriverMatch.matches(device::property, driver.properties(), name, e -> {
            if (badPatterns.add(e.getMessage())) {
                log.error("{}", e.getMessage());
            }
        });
    }

    /**
     * The kernel's own variables of the device: its {@code /sys/<devpath>/uevent} file, read now,
     * in the kernel's order (for a network interface {@code INTERFACE=} and {@code IFINDEX=}).
     * Once the kernel's file is gone, the variables the device was mirrored with, sorted, but
     * {@code SUBSYSTEM} and {@code DEVPATH}, which the kernel adds to an event, not to the file.
     */
    @Override
    public Map<String, String> uevent(Device device) {
        String devpath = device.property("DEVPATH");
        if (devpath != null && devpath.startsWith("/")) {
            try {
                return sysfs.uevent(devpath);
            } catch (IOException gone) {
                // the kernel removed it; its removal is on its way to the mirror
            }
        }
        Map<String, String> vars = new TreeMap<>(device.properties());
        vars.keySet().removeAll(Set.of("SUBSYSTEM", "DEVPATH"));
        return vars;
    }

    /**
     * Starts mirroring into this context: a hotplug thread of its own, which resynchronises from
     * sysfs first. A context of an earlier attach (the core restarted) is dead: its thread is
     * told to stop.
     */
    @Override
    public void attach(BusContext context) {
        if (socket == null) {
            return; // no uevents: the status says why
        }
        Mirror m = new Mirror(context);
        BlockingQueue<Work> q = new LinkedBlockingQueue<>();
        q.add(RESYNC);
        mirror = m;
        BlockingQueue<Work> old = current;
        current = q;
        if (old != null) {
            old.add(STOP);
        }
        Thread h = new Thread(() -> applyQueue(q, m), "linux-hotplug");
        h.setDaemon(true);
        hotplugs.removeIf(t -> !t.isAlive());
        hotplugs.add(h);
        h.start();
    }

    private void readSocket(UeventSocket s) {
        byte[] buffer = new byte[64 * 1024];
        try (s) {
            for (;;) {
                int n;
                try {
                    n = s.receive(buffer);
                } catch (UeventSocket.Overflow lost) {
                    log.warn("linux bus: {}; resynchronising from sysfs", lost.getMessage());
                    offer(RESYNC);
                    continue;
                }
                if (n < 0) {
                    return;
                }
                UeventMessage.parse(buffer, n, Instant.now()).ifPresent(e -> offer(new Work(e, events.add(e, "queued"))));
            }
        } catch (IOException | RuntimeException e) {
            setStatus("no kernel uevents: " + e.getMessage() + "; the devices mirrored stay as they were");
            log.error("linux bus: the uevent socket failed: {}", e.toString());
        }
    }

    /** Queues work for the latest attach's hotplug thread; before any attach, the attach's resynchronisation covers it. */
    private void offer(Work w) {
        BlockingQueue<Work> q = current;
        if (q != null) {
            q.add(w);
        } else if (w.entry() != null) {
            events.handled(w.entry(), "before the bus attached: covered by its resynchronisation");
        }
    }

    private void applyQueue(BlockingQueue<Work> queue, Mirror mirror) {
        for (;;) {
            Work w;
            try {
                w = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (w == STOP) {
                return;
            }
            try {
                if (w == RESYNC) {
                    log.info("linux bus: {}", mirror.resync(sysfs.scan(subsystems)));
                } else {
                    events.handled(w.entry(), mirror.apply(w.event(), subsystems));
                }
            } catch (DriverModelException e) {
                if (e.errno() == Errno.ENODEV) {
                    return; // the bus is gone: the core removed every device
                }
                log.error("linux bus: {}", e.getMessage());
            } catch (RuntimeException e) {
                log.error("linux bus: applying {} failed", w.event() == null ? "a resynchronisation" : w.event(), e);
            }
        }
    }

    // --- LinuxBus ------------------------------------------------------------------------

    @Override
    public String status() {
        return status;
    }

    @Override
    public List<KernelDevice> kernelDevices() {
        return sysfs.scan(subsystems);
    }

    @Override
    public Map<String, String> mirrored() {
        Mirror m = mirror;
        return m == null ? Map.of() : m.mirrored();
    }

    @Override
    public List<KernelEvent> events(int count) {
        if (count < 1 || count > EventLog.CAPACITY) {
            throw new DriverModelException(Errno.EINVAL, "linux:events", "count must be 1 to " + EventLog.CAPACITY + ", is " + count);
        }
        return events.last(count);
    }
}
