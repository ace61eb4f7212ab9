/**
 * The hotplug storm ({@code storm:run}): a seeded schedule of plugs, unplugs, driver bundle
 * stops, starts, updates and reinstalls and bus bundle restarts, applied to the running
 * framework while threads do block I/O and attribute reads and writes through handles; every
 * request is accounted, and the run ends with one {@code STORM ...} line and a verdict.
 * Private: the storm is found by Gogo as a command service.
 */
package org.drivermodel.storm.impl;
