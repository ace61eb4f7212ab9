package org.drivermodel.driver.hostile;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.testkit.HostileHooks;
import org.drivermodel.vbus.VbusMatch;
import org.osgi.service.component.annotations.Component;

/**
 * hostile-thread ({@code b4d0:0005}): its probe starts a thread, {@code hostile-thread <device>},
 * that it never stops: not in remove, not at deactivation. The thread runs for as long as the
 * test's hook blocks it.
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "hostile-thread")
@VbusMatch("b4d0:0005")
public final class ThreadLeakingDriver extends SteeredDriver {
    @Override
    void unbindHooks(HostileHooks h) {
        // kept on purpose: the thread outlives the component and still calls the hook
    }

    @Override
    public void probe(BoundDevice device) {
        String path = device.path();
        Thread t = new Thread(() -> steering.hang("thread", path), "hostile-thread " + device.name());
        t.setDaemon(true);
        t.start(); // and never stopped
    }
}
