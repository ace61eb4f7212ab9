package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Bus;
import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.core.impl.sysfs.AttributeTree;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.lifetime.ManagedResources;
import org.drivermodel.lifetime.primitives.OwnerFrames;
import org.drivermodel.lifetime.ReleaseFailure;
import org.osgi.service.log.Logger;

/**
 * The boundary around driver code: every call the core makes into a driver (match data, probe,
 * remove, attribute-group getters, disconnects, resource releases) crosses it here; show and
 * store cross the attribute tree's own boundary, which reports here ({@link #attributeFault}).
 *
 * <h2>What the boundary promises</h2>
 * <ul>
 * <li><b>Any {@code Throwable} is contained</b> — an {@code Error} as much as an exception, and
 * a throwable whose own {@code toString} throws. The caller gets an errno (that of a
 * {@link DriverModelException}, EIO otherwise) and the core goes on with its one cleanup; only
 * text is kept of the throwable, never the object (it references the driver's classes).</li>
 * <li><b>Named once</b>: a fault is recorded in the lifetime report ({@link Leak.Kind#FAULT},
 * PROBE for a failed probe) with driver, bundle, device and the throwable's stack, once per
 * binding and kind of call, so a callback failing on every read does not flood the report.</li>
 * <li><b>Frames</b>: while a probe or remove runs, the thread carries a {@link Frame} naming
 * the binding. The {@link Binder} reads them to tell a re-entrant call (the driver unplugging its
 * own device, unbinding it or stopping its own bundle from inside its probe or remove) from an
 * ordinary one, and defers the re-entrant one instead of running it recursively.</li>
 * <li><b>Context class loader</b>: probe and remove run with the driver's class loader as the
 * thread's context class loader (as containers do for the code they call), so that a thread the
 * driver starts there — an executor's worker made at its first task — carries it and is found
 * at the bundle's stop even when idle, with no frame of the driver on its stack
 * ({@link StoppedBundleScan}).</li>
 * <li><b>Watched</b>: a probe or remove still running at the drain deadline is named with its
 * thread and driver frame (a hung-task report); nothing can stop a thread, so it is waited for
 * by whoever runs it, and by nobody else past its deadline but in the cases docs/design.md §4.7
 * names (a holder with no binding the waiter may end).</li>
 * </ul>
 *
 * <p>Concurrency: stateless but for the per-thread frames, which hold core objects only while a
 * call is in progress (the thread-local's value is null again when the outermost call returns,
 * so a thread outliving the core pins none of its classes).
 */
final class DriverCall {
    /** What kind of driver code a frame is in. */
    enum Kind {
        /** Driver.probe, with the device lock held. */
        PROBE,
        /** Driver.remove, with the device lock held. */
        REMOVE
    }

    /**
     * A probe or remove in progress on this thread, and its watch: one object per call, where a
     * frame, a watch and its report's closure were three.
     */
    final class Frame extends CallWatchdog.Watch {
        final Kind kind;
        final Binding binding;
        final Frame previous;
        private final ClassLoader loader; /* the driver's, taken now: its report may come after the driver went */

        private Frame(Kind kind, Binding binding, Frame previous) {
            this.kind = kind;
            this.binding = binding;
            this.previous = previous;
            this.loader = binding.driverEntry().loader();
        }

        @Override
        void overdue(CallWatchdog.Overdue o) {
            stuck(binding, kind == Kind.PROBE ? "probe" : "remove", o.thread(), o.state(), o.stack(), o.waited(), loader);
        }
    }

    private static final ThreadLocal<Frame> INSIDE = new ThreadLocal<>();

    private final Logger log;
    private final LeakHistory leaks;
    private final CallWatchdog watchdog;
    private final Supplier<Duration> deadline;

    DriverCall(Logger log, LeakHistory leaks, CallWatchdog watchdog, Supplier<Duration> deadline) {
        this.log = log;
        this.leaks = leaks;
        this.watchdog = watchdog;
        this.deadline = deadline;
    }

    // ------------------------------------------------------------ frames

    /** @return the innermost probe or remove of that binding the current thread is in, or null */
    static Kind insideOf(Binding b) {
        for (Frame f = INSIDE.get(); f != null; f = f.previous) {
            if (f.binding == b) {
                return f.kind;
            }
        }
        return null;
    }

    /**
     * @return true if the current thread is inside a probe or remove of a device at or under
     *         {@code root}: it holds that device's lock, so removing {@code root} here would run
     *         its driver's callbacks recursively or wait for itself
     */
    static boolean insideWithin(DeviceNode root) {
        for (Frame f = INSIDE.get(); f != null; f = f.previous) {
            if (f.binding.node().isWithin(root)) {
                return true;
            }
        }
        return false;
    }

    /** Enters a probe or remove: its frame on this thread, watched. */
    private Frame push(Kind kind, Binding b) {
        Frame f = new Frame(kind, b, INSIDE.get());
        INSIDE.set(f);
        watchdog.watch(f, deadline.get());
        return f;
    }

    /** Leaves it: no longer watched, its frame off this thread. */
    private void pop(Frame f) {
        watchdog.unwatch(f);
        // set, never remove: an entry whose value is null pins nothing, and a removed entry
        // would be made again by the next get (a probe's re-entrancy checks), every plug
        INSIDE.set(f.previous);
    }

    // ------------------------------------------------------------ calls

    /**
     * Runs the driver's probe. Context: the device lock is held.
     *
     * @return null if it returned; what it threw otherwise (the caller reports and unwinds)
     */
    Throwable probe(Binding b) {
        Frame f = push(Kind.PROBE, b);
        Thread self = Thread.currentThread();
        ClassLoader context = self.getContextClassLoader();
        try {
            self.setContextClassLoader(b.driverEntry().loader());
            b.driverEntry().driver().probe(b);
            return null;
        } catch (Throwable t) { // contained: the binding's cleanup unwinds what it did
            return t;
        } finally {
            self.setContextClassLoader(context);
            pop(f);
        }
    }

    /** Runs the driver's remove, containing and reporting what it throws. Context: the device lock is held. */
    void remove(Binding b) {
        long start = System.nanoTime();
        Frame f = push(Kind.REMOVE, b);
        Thread self = Thread.currentThread();
        ClassLoader context = self.getContextClassLoader();
        Throwable failure = null;
        try {
            self.setContextClassLoader(b.driverEntry().loader());
            b.driverEntry().driver().remove(b);
        } catch (Throwable t) { // contained: the unbind goes on
            failure = t;
        } finally {
            self.setContextClassLoader(context);
            pop(f);
        }
        if (failure != null) {
            // reported with the thread's own context loader back: a log service starting a
            // worker thread now must not hand it the driver's loader
            fault(b, "remove", failure);
        }
        if (f.fired()) {
            log.warn("device {}: remove of driver {} returned after {} ms, past its deadline", b.node(), b.driverEntry(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    /**
     * @return the driver's attribute groups for the binding, copied; null if the getter failed
     *         (reported: the probe fails, as Linux fails a probe whose dev_groups cannot be added)
     */
    List<AttributeGroup<BoundDevice>> groups(Binding b) {
        try {
            List<AttributeGroup<BoundDevice>> groups = b.driverEntry().driver().deviceAttributes();
            return groups == null ? List.of() : List.copyOf(groups);
        } catch (Throwable t) {
            fault(b, "deviceAttributes", t);
            return null;
        }
    }

    /** Releases managed resources (or runs disconnects), newest first, reporting each failure. */
    void release(Binding b, ManagedResources resources, String what) {
        for (ReleaseFailure f : resources.releaseAll()) {
            fault(b, what + " " + f.name(), f.error());
        }
    }

    /**
     * Asks a bus whether a driver matches a device. A failure (the bus, or the driver's match data
     * it reads) is contained: no match, reported once per driver.
     */
    boolean match(Bus bus, DeviceNode node, DriverEntry driver) {
        try {
            return bus.match(node, driver.info());
        } catch (Throwable t) {
            if (driver.firstMatchFault()) {
                String detail = "match of " + node + " against driver " + driver.description() + " on bus "
                        + node.bus() + " failed: " + describe(t) + "; the driver is not matched from now on\n"
                        + stackText(t);
                leaks.record(Leak.Kind.FAULT, driver.path(), List.of(driver.bundle()), detail);
            }
            return false;
        }
    }

    /** Records a fault of a driver callback on a binding, once per binding and callback. */
    void fault(Binding b, String callback, Throwable t) {
        if (b.firstFault(callback)) {
            leaks.record(Leak.Kind.FAULT, b.node().path(), List.of(b.driverBundle()),
                    callback + " of driver " + b.driverDescription() + " for " + b.node() + " (binding "
                            + b.generation() + ") threw " + describe(t) + "\n" + stackText(t));
        } else {
            log.debug("device {}: {} of driver {} threw again: {}", b.node(), callback, b.driverDescription(), describe(t));
        }
    }

    /** A show or store of a binding's attribute threw something other than a DriverModelException. */
    void attributeFault(Binding b, String file, String op, Throwable t) {
        fault(b, op + " " + file.substring(file.lastIndexOf('/') + 1), t);
    }

    /** A show returned more than a page: truncated; warned once per attribute and binding. */
    void oversized(Binding b, String file, int length) {
        if (b.firstFault("oversized " + file)) {
            log.warn("device {}: show of {} by driver {} returned {} characters, more than a page: truncated to {}",
                    b.node(), file, b.driverDescription(), length, AttributeTree.PAGE_SIZE);
        }
    }

    /**
     * Names a probe or remove stuck past the deadline (a hung-task report), once per binding,
     * whoever sees it first: the watchdog, or a removal giving up waiting for the device lock.
     */
    void stuck(Binding b, String callback, Thread thread, Thread.State state, List<StackTraceElement> stack,
            Duration waited) {
        DriverEntry d = b.driverOrNull();
        stuck(b, callback, thread, state, stack, waited, d == null ? null : d.loader());
    }

    private void stuck(Binding b, String callback, Thread thread, Thread.State state, List<StackTraceElement> stack,
            Duration waited, ClassLoader loader) {
        synchronized (b) { // the claim and the record together: a reader of the report sees it once claimed
            if (b.firstFault("stuck")) {
                leaks.record(callback.equals("probe") ? Leak.Kind.PROBE : Leak.Kind.REMOVE, b.node().path(),
                        List.of(thread.getName()), stuckText(callback + " of driver " + b.driverDescription() + " for "
                                + b.node(), thread, state, stack, loader, waited)
                                + "\n  only its caller waits for it; other devices, and removals past the deadline, go on");
            }
        }
    }

    /** @return the hung-task text: what, the thread, its frame in driver code and its first frames */
    static String stuckText(String what, Thread thread, Thread.State state, List<StackTraceElement> stack,
            ClassLoader loader, Duration waited) {
        Optional<StackTraceElement> frame = loader == null ? Optional.empty() : new OwnerFrames(loader).firstIn(stack);
        StringBuilder detail = new StringBuilder(what).append(" still running after ").append(waited.toMillis())
                .append(" ms (drain.timeout.ms): thread \"").append(thread.getName()).append("\" (id ")
                .append(thread.getId()).append(", ").append(state).append(")")
                .append(frame.map(f -> ", in driver code at " + f).orElse(", no frame of driver code on its stack"));
        int shown = Math.min(StrayThreads.FRAMES_SHOWN, stack.size());
        for (int i = 0; i < shown; i++) {
            detail.append("\n      at ").append(stack.get(i));
        }
        return detail.toString();
    }

    /** @return the errno a caller gets for what driver code threw: its own, or EIO */
    static Errno errno(Throwable t) {
        return t instanceof DriverModelException d ? d.errno() : Errno.EIO;
    }

    /** @return the throwable as text, even if its toString throws (a hostile driver's) */
    static String describe(Throwable t) {
        try {
            return String.valueOf(t);
        } catch (Throwable again) {
            return t.getClass().getName() + " (its toString threw " + again.getClass().getName() + ")";
        }
    }

    /** @return the stack as text, even if the throwable's accessors throw */
    static String stackText(Throwable t) {
        try {
            return LeakHistory.stackText(t);
        } catch (Throwable again) {
            return "\t(no stack: " + again.getClass().getName() + ")\n";
        }
    }
}
