package org.drivermodel.driver.ramdisk;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.block.DiskSpec;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The ramdisk driver: a memory-backed disk {@code ramN} for each vbus device {@code 1d6b:0100}.
 *
 * <p>{@code probe} is the recipe, "alloc, init, register", and everything it sets up is managed:
 * the disk goes when the binding ends, before any remove (its queue drains first: nothing in
 * flight is lost), and the latency timer is a managed resource shut down after that. There is
 * no {@code remove}.
 */
@Component(service = Driver.class, configurationPid = RamdiskConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@DriverBinding(bus = "vbus", driver = "ramdisk")
@VbusMatch("1d6b:0100")
public final class RamdiskDriver implements Driver {

    @Reference
    private BlockLayer block;

    @Reference(service = LoggerFactory.class)
    private Logger log;

    private final AtomicInteger disks = new AtomicInteger();
    private volatile RamdiskConfig config = RamdiskConfig.DEFAULTS;

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        try {
            config = RamdiskConfig.from(properties);
        } catch (DriverModelException e) {
            log.error("{}: configuration ignored, settings unchanged", e.getMessage());
        }
    }

    @Override
    public void probe(BoundDevice device) {
        RamdiskConfig c = config;
        ScheduledExecutorService timer = c.latencyMicros() == 0 ? null
                : device.resources().manage("latency timer", Executors.newSingleThreadScheduledExecutor(),
                        ScheduledExecutorService::shutdownNow);                                   // alloc
        Ramdisk ram = new Ramdisk(c.size(), c.latencyMicros(), timer);                           // init
        String name = "ram" + disks.getAndIncrement();
        block.addDisk(device, new DiskSpec(name, c.size(), c.blockSize(), c.queueDepth(), c.readOnly()), ram); // register
        log.info("ramdisk: {} is {} ({} bytes)", device.path(), name, c.size());
    }
}
