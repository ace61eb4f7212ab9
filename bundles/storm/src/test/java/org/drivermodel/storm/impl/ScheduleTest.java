package org.drivermodel.storm.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final List<String> DRIVERS = List.of("a", "b", "c");
    private static final List<String> IDS = List.of("7e57:0001", "1209:0001", "1d6b:0100");

    private static List<StormEvent> generate(long seed, int events) {
        return Schedule.generate(seed, events, DRIVERS, "bus", IDS, Set.of("7e57:0001"));
    }

    @Test
    void theSameSeedGivesTheSameSchedule() {
        assertEquals(generate(42, 2000), generate(42, 2000));
        assertEquals(generate(-7, 500), generate(-7, 500));
    }

    @Test
    void aShorterRunIsAPrefixOfALongerOneWithTheSameSeed() {
        assertEquals(generate(9, 100), generate(9, 1000).subList(0, 100));
    }

    @Test
    void aRecordedSeedReplaysTheRecordedEvents() {
        // recorded once: a change to the generator, or a JVM whose Random differed, would break
        // the replay of every seed a report names
        assertEquals(List.of(
                "#0 DRIVER_STOP a",
                "#1 DRIVER_START a",
                "#2 DRIVER_STOP a (managed)",
                "#3 BUS_STOP bus",
                "#4 BUS_START bus",
                "#5 DRIVER_STOP b (managed)",
                "#6 PLUG slot 0 7e57:0001",
                "#7 PLUG slot 1 7e57:0001"),
                generate(2026, 2000).subList(0, 8).stream().map(StormEvent::toString).toList());
    }

    @Test
    void differentSeedsGiveDifferentSchedules() {
        assertNotEquals(generate(1, 200), generate(2, 200));
    }

    @Test
    void everyEventMakesSenseInTheStateTheEventsBeforeItLeft() {
        for (long seed = 0; seed < 20; seed++) {
            List<StormEvent> s = generate(seed, 2000);
            boolean busUp = true;
            Map<String, Boolean> active = new HashMap<>();
            DRIVERS.forEach(d -> active.put(d, true));
            Map<Integer, String> plugged = new HashMap<>();
            Set<Integer> usedSlots = new HashSet<>();
            for (int i = 0; i < s.size(); i++) {
                StormEvent e = s.get(i);
                assertEquals(i, e.index());
                switch (e.kind()) {
                    case PLUG -> {
                        assertTrue(busUp, e + ": plug while the bus is down");
                        assertTrue(IDS.contains(e.target()), e.toString());
                        assertTrue(usedSlots.add(e.slot()), e + ": a slot is used once");
                        plugged.put(e.slot(), e.target());
                        assertTrue(plugged.size() <= Schedule.MAX_PLUGGED);
                    }
                    case UNPLUG -> {
                        assertTrue(busUp, e + ": unplug while the bus is down");
                        assertEquals(plugged.remove(e.slot()), e.target(), e + ": unplug of an empty slot");
                    }
                    case BUS_STOP -> {
                        assertTrue(busUp, e.toString());
                        assertFalse(plugged.containsValue("7e57:0001"), e + ": with a device kept off bus restarts plugged");
                        busUp = false;
                    }
                    case BUS_START -> {
                        assertFalse(busUp, e.toString());
                        busUp = true;
                    }
                    case DRIVER_STOP -> {
                        assertTrue(active.put(e.target(), false), e + ": stop of a stopped bundle");
                    }
                    case DRIVER_START -> {
                        assertFalse(active.put(e.target(), true), e + ": start of an active bundle");
                        assertFalse(e.managed());
                    }
                    case DRIVER_UPDATE -> {
                        assertNotNull(active.get(e.target()));
                        assertTrue(active.get(e.target()) || !e.managed(), e + ": managed update of a stopped bundle");
                    }
                    case DRIVER_REINSTALL -> {
                        assertNotNull(active.get(e.target()));
                        active.put(e.target(), true);
                    }
                }
            }
        }
    }

    @Test
    void twoThousandEventsHaveEveryKindOfEvent() {
        Map<EventKind, Integer> counts = new EnumMap<>(EventKind.class);
        for (StormEvent e : generate(5, 2000)) {
            counts.merge(e.kind(), 1, Integer::sum);
        }
        assertEquals(Set.of(EventKind.values()), counts.keySet(), counts.toString());
        assertTrue(generate(5, 2000).stream().anyMatch(StormEvent::managed));
    }

    @Test
    void aBundleThatStopsItselfMayBeStartedWhileTheModelHasItActiveAndOthersNot() {
        for (long seed = 0; seed < 20; seed++) {
            List<StormEvent> s = Schedule.generate(seed, 2000, DRIVERS, "bus", IDS, Set.of(), Set.of("c"));
            Map<String, Boolean> active = new HashMap<>();
            DRIVERS.forEach(d -> active.put(d, true));
            int startsOfActiveC = 0;
            for (StormEvent e : s) {
                switch (e.kind()) {
                    case DRIVER_START -> {
                        boolean was = active.put(e.target(), true);
                        if (was) {
                            assertEquals("c", e.target(), e + ": start of an active bundle that does not stop itself");
                            startsOfActiveC++;
                        }
                    }
                    case DRIVER_STOP -> active.put(e.target(), false);
                    case DRIVER_REINSTALL -> active.put(e.target(), true);
                    default -> { }
                }
            }
            assertTrue(startsOfActiveC > 0, "seed " + seed + ": c is started while active too");
        }
        assertEquals(generate(11, 500), Schedule.generate(11, 500, DRIVERS, "bus", IDS, Set.of("7e57:0001"), Set.of()),
                "without such bundles the schedule is the same");
    }

    @Test
    void aMixGivesTheScheduleOfItsBundlesAndIds() {
        StormMix mix = StormDevices.mix(true);
        assertEquals(Schedule.generate(3, 300, mix.driverBundles(), "bus", mix.ids(), mix.notAcrossBusRestart(),
                mix.stopsItself()), Schedule.generate(3, 300, mix, "bus"));
        assertTrue(Schedule.generate(3, 2000, mix, "bus").stream().anyMatch(e -> e.kind() == EventKind.PLUG
                && e.target().startsWith(StormDevices.UNTRUSTED_VENDOR)));
        assertTrue(Schedule.generate(3, 2000, StormDevices.mix(false), "bus").stream().noneMatch(e ->
                e.target().startsWith(StormDevices.UNTRUSTED_VENDOR) || e.target().equals(StormDevices.UNTRUSTED_BUNDLE)));
    }

    @Test
    void badParametersAreABug() {
        assertThrows(IllegalArgumentException.class, () -> Schedule.generate(1, -1, DRIVERS, "bus", IDS, Set.of()));
        assertThrows(IllegalArgumentException.class, () -> Schedule.generate(1, 10, DRIVERS, "bus", List.of(), Set.of()));
    }

    @Test
    void anEventSaysWhatItDoes() {
        assertEquals("#3 PLUG slot 2 7e57:0001", new StormEvent(3, EventKind.PLUG, "7e57:0001", 2, false).toString());
        assertEquals("#4 DRIVER_UPDATE a (managed)", new StormEvent(4, EventKind.DRIVER_UPDATE, "a", -1, true).toString());
    }
}
