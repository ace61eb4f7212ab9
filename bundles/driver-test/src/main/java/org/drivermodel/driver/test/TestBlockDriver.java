package org.drivermodel.driver.test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.block.BlockRequest;
import org.drivermodel.block.DiskSpec;
import org.drivermodel.testkit.TestHooks;
import org.drivermodel.vbus.VbusMatch;
import org.drivermodel.vbus.VirtualBus;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * testblk: a block driver for the tests, on vbus vendor {@code 7eb1}, one disk {@code tbN} of
 * 1 MiB per device. The product id picks its behaviour:
 * <ul>
 * <li>{@code 0001}: completes every request at once, keeping the data in memory;</li>
 * <li>{@code 00e0}: its handler throws;</li>
 * <li>{@code 00d0}: completes every request twice;</li>
 * <li>{@code 00f0}: never completes a request.</li>
 * </ul>
 * Any handler call after its {@code remove} of that binding was called, or after its component
 * was deactivated, is reported through {@link TestHooks#lateCall}. "That binding": a device
 * that comes back under the same path (its bus restarted) is a new binding with a new disk.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "testblk")
@VbusMatch("7eb1:*")
public final class TestBlockDriver extends WatchedDriver {
    static final int SIZE = 1 << 20;

    @Reference
    private BlockLayer block;

    private final Map<Device, AtomicBoolean> bindings = new ConcurrentHashMap<>(); /* device -> its binding's removed flag */
    private final AtomicInteger disks = new AtomicInteger();

    @Override
    public void probe(BoundDevice device) {
        String path = device.path();
        String product = device.property(VirtualBus.PRODUCT);
        byte[] memory = new byte[SIZE];
        String name = "tb" + disks.getAndIncrement();
        AtomicBoolean removed = new AtomicBoolean();
        bindings.put(device, removed);
        block.addDisk(device, new DiskSpec(name, SIZE, 512, 16, false), request -> {
            alive("block handler of " + name + " after remove of " + path, removed.get());
            serve(product, memory, request);
        });
    }

    private static void serve(String product, byte[] memory, BlockRequest r) {
        switch (product) {
            case "00e0" -> throw new IllegalStateException("testblk 00e0 fails on purpose");
            case "00f0" -> { } // never completes
            default -> {
                switch (r.op()) {
                    case READ -> r.buffer().put(memory, (int) r.offset(), r.length());
                    case WRITE -> r.buffer().get(memory, (int) r.offset(), r.length());
                    case FLUSH -> { }
                }
                r.complete();
                if (product.equals("00d0")) {
                    r.complete();
                }
            }
        }
    }

    /**
     * Marks the device removed, then takes a while, as a controller's deinit does: a window in
     * which a request reaching the handler would be a call into a driver that has let go of its
     * device (the disk must have gone before this is called).
     */
    @Override
    public void remove(BoundDevice device) {
        AtomicBoolean removed = bindings.remove(device);
        if (removed != null) {
            removed.set(true);
        }
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
