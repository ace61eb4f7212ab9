package org.drivermodel.block;

import org.osgi.annotation.versioning.ProviderType;

/** A registered disk, as its driver sees it. It goes by itself when the driver's binding ends. */
@ProviderType
public interface Disk {

    /** @return what the driver declared */
    DiskSpec spec();

    /** @return its counters now */
    DiskStats stats();
}
