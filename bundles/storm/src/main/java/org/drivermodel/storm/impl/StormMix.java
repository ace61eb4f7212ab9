package org.drivermodel.storm.impl;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.drivermodel.api.LifetimeReport.Leak;

/**
 * What one storm plugs and storms ({@link StormDevices#mix}): the driver bundles, the device ids,
 * and what the deliberately faulty drivers among them may do that others may not. Immutable.
 *
 * @param driverBundles      the driver bundles stormed, in the order the schedule sees them
 * @param managedDrivers     bundle to the name of one of its vbus drivers, for the management command
 * @param ids                the device ids plugged, in the order the schedule draws from
 * @param stopsItself        the driver bundles whose own drivers may stop them: one the schedule
 *                           believes active may be stopped
 * @param leaveByThemselves  the ids whose devices may be unplugged by their own drivers
 * @param faultyBundle       the symbolic name of the bundle of deliberately faulty drivers, or null
 * @param contained          the lifetime-report entries its drivers cause by design, by device id
 * @param notAcrossBusRestart the ids never plugged while the bus stops
 */
record StormMix(List<String> driverBundles, Map<String, String> managedDrivers, List<String> ids, Set<String> stopsItself,
        Set<String> leaveByThemselves, String faultyBundle, Map<String, Set<Leak.Kind>> contained,
        Set<String> notAcrossBusRestart) {

    StormMix {
        driverBundles = List.copyOf(driverBundles);
        managedDrivers = Map.copyOf(managedDrivers);
        ids = List.copyOf(ids);
        stopsItself = Set.copyOf(stopsItself);
        leaveByThemselves = Set.copyOf(leaveByThemselves);
        contained = Map.copyOf(contained);
        notAcrossBusRestart = Set.copyOf(notAcrossBusRestart);
    }

    /** @return the faults the core contained for the faulty drivers, to tell them from problems */
    ContainedFaults faults() {
        return new ContainedFaults(faultyBundle, contained);
    }
}
