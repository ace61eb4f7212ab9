package org.drivermodel.storm.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The storm's schedule: a list of events fully determined by the seed, the number of events,
 * the driver bundles stormed and the device ids plugged. Plain Java, no framework.
 *
 * <p>The generator keeps a model of what the events do (which slots are plugged, which driver
 * bundles are active, whether the bus is up) and draws each event among those that make sense
 * in that state, by weight: nothing is plugged or unplugged while the bus is down, only a
 * stopped bundle is started, a slot is unplugged only while plugged, the bus is stopped only
 * while no device of the ids kept off bus restarts is plugged. A bundle whose own drivers may
 * stop it is the exception: the model cannot know whether it is still active, so it may be
 * started while the model has it active (a no-op if it is), which brings it back after its
 * drivers stopped it. {@link Random} is used because its algorithm is specified, so a seed gives
 * the same schedule on every JVM.
 */
final class Schedule {
    /** Devices plugged at most at once: enough disks and attribute files for the I/O threads to race. */
    static final int MAX_PLUGGED = 8;

    // Weights, relative to each other: hotplug dominates, bundle operations are rarer (each costs
    // a drain, and an update or reinstall a refresh), the bus restart rarest (it removes everything;
    // its weight is higher since it is drawn only while no device kept off bus restarts is plugged).
    static final int W_PLUG = 30;
    static final int W_UNPLUG = 25;
    static final int W_BUS_STOP = 8;
    static final int W_BUS_START = 30;
    static final int W_DRIVER_STOP = 3;
    static final int W_DRIVER_UPDATE = 3;
    static final int W_DRIVER_REINSTALL = 2;
    static final int W_DRIVER_START = 12;
    static final int W_STOPPED_UPDATE = 1;
    // A start of a bundle the model has active, which its own drivers may have stopped: less
    // than a start of a stopped one, as most of these starts find it active and do nothing.
    static final int W_START_STOPS_ITSELF = 6;

    private Schedule() {
    }

    /**
     * @param seed          the seed
     * @param events        how many events, at least 0
     * @param driverBundles the symbolic names of the driver bundles stormed, all active at the start
     * @param busBundle     the symbolic name of the bus bundle, active at the start
     * @param deviceIds     the device ids plugged, {@code vvvv:pppp}
     * @param notAcrossBusRestart ids that must not be plugged when the bus stops: the bus is
     *                      stopped only while none of them is plugged
     * @return the events, in order
     */
    static List<StormEvent> generate(long seed, int events, List<String> driverBundles, String busBundle,
            List<String> deviceIds, Set<String> notAcrossBusRestart) {
        return generate(seed, events, driverBundles, busBundle, deviceIds, notAcrossBusRestart, Set.of());
    }

    /**
     * @param seed      the seed
     * @param events    how many events, at least 0
     * @param mix       the driver bundles, device ids and ids kept off bus restarts
     * @param busBundle the symbolic name of the bus bundle, active at the start
     * @return the events, in order
     */
    static List<StormEvent> generate(long seed, int events, StormMix mix, String busBundle) {
        return generate(seed, events, mix.driverBundles(), busBundle, mix.ids(), mix.notAcrossBusRestart(),
                mix.stopsItself());
    }

    /**
     * As {@link #generate(long, int, List, String, List, Set)}, with bundles that may stop
     * themselves.
     *
     * @param stopsItself driver bundles whose own drivers may stop them: started also while the
     *                    model has them active
     */
    static List<StormEvent> generate(long seed, int events, List<String> driverBundles, String busBundle,
            List<String> deviceIds, Set<String> notAcrossBusRestart, Set<String> stopsItself) {
        if (events < 0 || deviceIds.isEmpty()) {
            throw new IllegalArgumentException("events " + events + ", device ids " + deviceIds);
        }
        Random random = new Random(seed);
        boolean busUp = true;
        Map<String, Boolean> active = new LinkedHashMap<>();
        driverBundles.forEach(b -> active.put(b, true));
        TreeMap<Integer, String> plugged = new TreeMap<>();
        int nextSlot = 0;
        List<StormEvent> schedule = new ArrayList<>(events);
        List<Choice> choices = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            choices.clear();
            if (busUp) {
                if (plugged.size() < MAX_PLUGGED) {
                    choices.add(new Choice(EventKind.PLUG, null, W_PLUG));
                }
                if (!plugged.isEmpty()) {
                    choices.add(new Choice(EventKind.UNPLUG, null, W_UNPLUG));
                }
                if (!plugged.values().stream().anyMatch(notAcrossBusRestart::contains)) {
                    choices.add(new Choice(EventKind.BUS_STOP, busBundle, W_BUS_STOP));
                }
            } else {
                choices.add(new Choice(EventKind.BUS_START, busBundle, W_BUS_START));
            }
            for (Map.Entry<String, Boolean> b : active.entrySet()) {
                if (b.getValue()) {
                    choices.add(new Choice(EventKind.DRIVER_STOP, b.getKey(), W_DRIVER_STOP));
                    choices.add(new Choice(EventKind.DRIVER_UPDATE, b.getKey(), W_DRIVER_UPDATE));
                    choices.add(new Choice(EventKind.DRIVER_REINSTALL, b.getKey(), W_DRIVER_REINSTALL));
                    if (stopsItself.contains(b.getKey())) {
                        choices.add(new Choice(EventKind.DRIVER_START, b.getKey(), W_START_STOPS_ITSELF));
                    }
                } else {
                    choices.add(new Choice(EventKind.DRIVER_START, b.getKey(), W_DRIVER_START));
                    choices.add(new Choice(EventKind.DRIVER_UPDATE, b.getKey(), W_STOPPED_UPDATE));
                }
            }
            Choice c = pick(random, choices);
            StormEvent e = switch (c.kind) {
                case PLUG -> {
                    String id = deviceIds.get(random.nextInt(deviceIds.size()));
                    plugged.put(nextSlot, id);
                    yield new StormEvent(i, EventKind.PLUG, id, nextSlot++, false);
                }
                case UNPLUG -> {
                    List<Integer> slots = new ArrayList<>(plugged.keySet());
                    int slot = slots.get(random.nextInt(slots.size()));
                    yield new StormEvent(i, EventKind.UNPLUG, plugged.remove(slot), slot, false);
                }
                case BUS_STOP -> {
                    busUp = false;
                    yield new StormEvent(i, c.kind, c.target, -1, false);
                }
                case BUS_START -> {
                    busUp = true;
                    yield new StormEvent(i, c.kind, c.target, -1, false);
                }
                case DRIVER_START -> {
                    active.put(c.target, true);
                    yield new StormEvent(i, c.kind, c.target, -1, false);
                }
                case DRIVER_STOP -> {
                    active.put(c.target, false);
                    yield new StormEvent(i, c.kind, c.target, -1, random.nextBoolean());
                }
                case DRIVER_UPDATE -> new StormEvent(i, c.kind, c.target, -1, active.get(c.target) && random.nextBoolean());
                case DRIVER_REINSTALL -> {
                    boolean managed = random.nextBoolean();
                    active.put(c.target, true); // installed again and started
                    yield new StormEvent(i, c.kind, c.target, -1, managed);
                }
            };
            schedule.add(e);
        }
        return List.copyOf(schedule);
    }

    private static Choice pick(Random random, List<Choice> choices) {
        int total = 0;
        for (Choice c : choices) {
            total += c.weight;
        }
        int r = random.nextInt(total);
        for (Choice c : choices) {
            r -= c.weight;
            if (r < 0) {
                return c;
            }
        }
        throw new AssertionError("weights " + choices);
    }

    private record Choice(EventKind kind, String target, int weight) {
    }
}
