package org.drivermodel.driver.hostile;

import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.block.BlockRequest;
import org.drivermodel.block.DiskSpec;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * hostile-double ({@code b4d0:0006}): a block driver, one disk {@code hdN} of 64 KiB per device,
 * that completes every request twice.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "hostile-double")
@VbusMatch("b4d0:0006")
public final class DoubleCompletingDriver implements Driver {
    static final int SIZE = 64 << 10;

    @Reference
    private BlockLayer block;

    private final AtomicInteger disks = new AtomicInteger();

    @Override
    public void probe(BoundDevice device) {
        byte[] memory = new byte[SIZE];
        block.addDisk(device, new DiskSpec("hd" + disks.getAndIncrement(), SIZE, 512, 4, false), r -> serve(memory, r));
    }

    private static void serve(byte[] memory, BlockRequest r) {
        switch (r.op()) {
            case READ -> r.buffer().put(memory, (int) r.offset(), r.length());
            case WRITE -> r.buffer().get(memory, (int) r.offset(), r.length());
            case FLUSH -> { }
        }
        r.complete();
        r.complete(); // hostile: a second completion
    }
}
