package org.drivermodel.benchmarks;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.felix.framework.Felix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Driver bundle stop latency (docs/design.md §8, issue #7): how long {@code Bundle.stop()} of the vled
 * sample driver bundle takes with 1k and 10k devices bound to it, in a real Felix (the version
 * the distribution runs) launched by the benchmark with Declarative Services, the Log Service,
 * Configuration Admin, Event Admin, the API, lifetime and core bundles, the virtual bus and vled:
 * the bundles the build copied into this jar under {@code /bundles}.
 *
 * <p>The stop returns only when every device is unbound: SCR deactivates the driver component
 * in the stopping bundle's listener, the core's tracker sees the driver service go and unbinds
 * each device (drains its attribute files, calls {@code remove}) before the unregistration
 * returns. So one shot is the time from {@code stop()} to its return; the setup before each
 * shot starts the bundle again and checks that all N devices are bound, the tear-down checks
 * that none is. No request is in flight during the shot: the target is 10k devices unbound in
 * under 1 s (plus the longest request in flight, here none).
 *
 * <p>The framework's API is the benchmark's class path's; the driver model's types are the
 * bundles' own, so the benchmark reaches the core and the bus through reflection, outside the
 * timed shot.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@State(Scope.Benchmark)
public class StopLatencyBenchmark {

    /** The bundles, in install order (each file is in this jar under /bundles, its version stripped). */
    static final List<String> BUNDLES = List.of(
            "org.osgi.service.component", "org.osgi.util.function", "org.osgi.util.promise",
            "org.apache.felix.scr", "org.apache.felix.log", "org.apache.felix.configadmin",
            "org.apache.felix.eventadmin", "api", "lifetime", "core", "bus-virtual", "driver-vled");

    @Param({ "1000", "10000" })
    public int devices;

    private Path storage;
    private Felix felix;
    private Bundle vled;
    private Object core;
    private Method boundDevices;

    @Setup(Level.Trial)
    public void launch() throws Exception {
        storage = Files.createTempDirectory("stop-latency");
        felix = new Felix(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                "org.apache.felix.log.maxSize", "1",
                "felix.log.level", "1"));
        felix.start();
        BundleContext context = felix.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        for (String name : BUNDLES) {
            try (InputStream in = StopLatencyBenchmark.class.getResourceAsStream("/bundles/" + name + ".jar")) {
                if (in == null) {
                    throw new IllegalStateException("bundle " + name + " is not in the benchmarks jar (build it with mvn package)");
                }
                installed.add(context.installBundle("bench:" + name, in));
            }
        }
        for (Bundle b : installed) {
            b.start();
        }
        vled = installed.get(installed.size() - 1);
        core = service(context, "org.drivermodel.api.DriverCore");
        boundDevices = api(core, "org.drivermodel.api.DriverCore").getMethod("boundDevices", String.class, String.class);
        Object vbus = service(context, "org.drivermodel.vbus.VirtualBus");
        Method plug = api(vbus, "org.drivermodel.vbus.VirtualBus").getMethod("plug", String.class);
        for (int i = 0; i < devices; i++) {
            plug.invoke(vbus, "1209:0001");
        }
    }

    @Setup(Level.Iteration)
    public void bind() throws Exception {
        vled.start(); // SCR may activate the driver after start returns: wait (untimed) for all bound
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (bound() != devices && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        expectBound(devices);
    }

    @Benchmark
    public int stop() throws Exception {
        vled.stop();
        return vled.getState();
    }

    @TearDown(Level.Iteration)
    public void checkUnbound() throws Exception {
        expectBound(0);
    }

    @TearDown(Level.Trial)
    public void shutDown() throws Exception {
        felix.stop();
        FrameworkEvent stopped = felix.waitForStop(120_000);
        if (stopped.getType() != FrameworkEvent.STOPPED) {
            throw new IllegalStateException("Felix did not stop: " + stopped);
        }
        try (Stream<Path> files = Files.walk(storage)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Fails unless exactly n devices are bound to vled (a shot that measured less work is void). */
    private void expectBound(int n) throws Exception {
        int bound = bound();
        if (bound != n) {
            throw new IllegalStateException(bound + " devices bound to vled, expected " + n);
        }
    }

    /** @return devices bound to vled; 0 while vled is not registered (the core answers ENOENT then) */
    private int bound() throws Exception {
        try {
            return ((List<?>) boundDevices.invoke(core, "vbus", "vled")).size();
        } catch (InvocationTargetException e) {
            if (e.getCause() != null && e.getCause().getMessage() != null && e.getCause().getMessage().startsWith("ENOENT")) {
                return 0;
            }
            throw e;
        }
    }

    /** @return the service interface as the service's bundle sees it (its implementation class is private) */
    private static Class<?> api(Object service, String type) throws ClassNotFoundException {
        return Class.forName(type, false, service.getClass().getClassLoader());
    }

    /** @return the service, waiting up to 60 s (SCR activates components on its own thread) */
    private static Object service(BundleContext context, String type) throws InterruptedException {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, type, null);
        tracker.open(true);
        try {
            Object service = tracker.waitForService(60_000);
            if (service == null) {
                StringBuilder states = new StringBuilder();
                for (Bundle b : context.getBundles()) {
                    states.append(' ').append(b.getSymbolicName()).append('=').append(b.getState());
                }
                throw new IllegalStateException("no " + type + " service within 60 s; bundle states:" + states);
            }
            return service;
        } finally {
            tracker.close();
        }
    }
}
