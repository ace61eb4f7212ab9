package org.drivermodel.core.impl;

import java.util.ArrayList;
import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.Device;
import org.drivermodel.core.impl.sysfs.DirectoryKind;
import org.drivermodel.error.DriverModelException;

/**
 * The default files of a subsystem's devices, split for the attribute tree: the core's files
 * ({@code driver_override}, {@code uevent}) and the bus's or class's unnamed groups become one
 * group of <em>shared files</em> (one for all the devices, a node made only when a device's file
 * is opened), its named groups stay groups of files made for each device. Default attributes
 * are the same for every device of a subsystem (Linux's {@code bus_type.dev_groups}), so
 * sharing them costs a device nothing until read (docs/design.md §8: two attribute files were
 * about a hundred bytes and two objects per device, issue #19).
 *
 * <p>The shared files make the devices' {@link DirectoryKind}, with its link slot
 * {@value #DRIVER_LINK}: the link to the bound driver's directory is a field of the device's
 * directory, not a node (issue #19).
 *
 * <p>Immutable. {@link #of} is cheap to ask again: a subsystem keeps the last one made and
 * makes a new one only when the bus hands out other groups.
 *
 * @param from  the subsystem's groups this was made of
 * @param kind  the devices' directory kind: the shared files (the core's, then the unnamed
 *              groups' attributes) and the {@value #DRIVER_LINK} link slot
 * @param named the groups still made per device
 */
record DeviceFiles(List<AttributeGroup<Device>> from, DirectoryKind<Device> kind, List<AttributeGroup<Device>> named) {

    /** The name of a bound device's link to its driver's directory, as Linux's. */
    static final String DRIVER_LINK = "driver";

    /**
     * @param core   the core's files of every device, an unnamed group
     * @param groups the subsystem's default groups
     * @return them split; if an unnamed group's file has the name of a core file or of another
     *         one, nothing is shared but the core's, and the device's directory refuses the
     *         duplicate (EEXIST) as before
     */
    static DeviceFiles of(AttributeGroup<Device> core, List<AttributeGroup<Device>> groups) {
        List<Attribute<Device>> shared = new ArrayList<>(core.attributes());
        List<AttributeGroup<Device>> named = new ArrayList<>();
        for (AttributeGroup<Device> g : groups) {
            if (g.name().isPresent()) {
                named.add(g);
            } else {
                shared.addAll(g.attributes());
            }
        }
        if (named.size() == groups.size()) {
            return new DeviceFiles(groups, new DirectoryKind<>(core, DRIVER_LINK), groups);
        }
        try {
            return new DeviceFiles(groups, new DirectoryKind<>(new AttributeGroup<>(null, shared), DRIVER_LINK), List.copyOf(named));
        } catch (DriverModelException duplicate) {
            return new DeviceFiles(groups, new DirectoryKind<>(core, DRIVER_LINK), groups);
        }
    }

    /** @return true if this was made of these groups (the same group objects, in order) */
    boolean madeOf(List<AttributeGroup<Device>> groups) {
        return from.equals(groups);
    }
}
