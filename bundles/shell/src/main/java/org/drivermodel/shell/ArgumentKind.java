package org.drivermodel.shell;

/** What a command's argument names, and so which names a console offers to complete it. */
public enum ArgumentKind {
    /** a device: {@code <bus>/<name>}, or its path */
    DEVICE,
    /** a device by its name on its bus ({@code 1209:0001.1}), the bus given by another argument */
    DEVICE_NAME,
    /** a device on the virtual bus, by its name ({@code 1209:0001.1}) */
    VBUS_DEVICE,
    /** a driver, by its name ({@code vled}) */
    DRIVER,
    /** a driver with its bus: {@code <bus>/<driver>} */
    BUS_DRIVER,
    /** a bus, by its name ({@code vbus}) */
    BUS,
    /** a file or directory of the attribute tree, by its absolute path */
    ATTRIBUTE_PATH,
    /** a bundle that registered a driver, by its symbolic name */
    DRIVER_BUNDLE,
    /** a disk of the block layer ({@code ram0}) */
    DISK
}
