package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.drivermodel.api.Device;
import org.drivermodel.api.Uevent;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * Posts uevents to EventAdmin from a thread of its own (the kernel's uevent queue), so that
 * the model, which emits them under its locks, never calls EventAdmin itself: Felix
 * EventAdmin looks up handlers in the service registry on the posting thread.
 *
 * <p>Concurrency: {@link #emit} builds the event's properties on the caller's thread (a
 * snapshot of the device as it is then) and puts them on an unbounded queue; one worker
 * thread takes them in order and posts them with {@code postEvent} (asynchronous delivery,
 * in order). {@link #close} stops the worker after what is queued has been posted, or at its
 * deadline. Without an EventAdmin, events are dropped.
 */
final class UeventQueue implements UeventSink, AutoCloseable {
    /** The worker's poison pill. */
    private static final Map<String, Object> END = Map.of();

    private final BlockingQueue<Map<String, Object>> queue = new LinkedBlockingQueue<>();
    private final Supplier<EventAdmin> eventAdmin;
    private final Logger log;
    private final Thread worker;

    UeventQueue(Supplier<EventAdmin> eventAdmin, Logger log) {
        this.eventAdmin = eventAdmin;
        this.log = log;
        this.worker = new Thread(this::run, "drivermodel-uevent");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    @Override
    public void emit(Uevent action, Device device, String driver) {
        queue.add(properties(action, device, driver));
    }

    @Override
    public void emitSynthetic(Uevent action, Device device, String driver, Map<String, String> synth) {
        Map<String, Object> props = properties(action, device, driver);
        props.putAll(synth);
        queue.add(props);
    }

    /** @return the event's properties, its topic under "topic": the one recipe of real and synthetic events */
    static Map<String, Object> properties(Uevent action, Device device, String driver) {
        Map<String, Object> props = new HashMap<>();
        device.properties().forEach((k, v) -> props.put(Uevent.PROPERTY_PREFIX + k, v));
        props.put(Uevent.DEVPATH, device.path());
        props.put(Uevent.SUBSYSTEM, device.deviceClass().orElse(device.bus()));
        props.put(Uevent.DEVICE, device.name());
        if (driver != null) {
            props.put(Uevent.DRIVER, driver);
        }
        props.put("topic", action.topic());
        return props;
    }

    private void run() {
        try {
            for (Map<String, Object> props = queue.take(); props != END; props = queue.take()) {
                EventAdmin admin = eventAdmin.get();
                if (admin != null) {
                    Map<String, Object> p = new HashMap<>(props);
                    String topic = (String) p.remove("topic");
                    try {
                        admin.postEvent(new Event(topic, p));
                    } catch (RuntimeException e) {
                        log.warn("uevent {} {} not posted: {}", topic, p.get(Uevent.DEVPATH), e.toString());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Posts what is queued, then stops; gives up at the deadline. */
    void close(Duration deadline) {
        queue.add(END);
        try {
            worker.join(deadline.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
            log.warn("uevent queue: {} event(s) not posted before the deadline", queue.size());
        }
    }

    /** As long as Felix EventAdmin lets a handler run before it blacklists it. */
    private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(5);

    @Override
    public void close() {
        close(CLOSE_DEADLINE);
    }
}
