package org.drivermodel.itest;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** A driver registered by a test, recording the calls the core makes into it. */
final class RecordingDriver implements Driver {
    private final List<String> calls = new ArrayList<>(); /* guarded by this */
    private final boolean refuse;

    RecordingDriver(boolean refuse) {
        this.refuse = refuse;
    }

    /** Registers a driver for vbus devices of the given ids. */
    static ServiceRegistration<Driver> register(BundleContext context, RecordingDriver driver, String name,
            String... ids) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(DriverBinding.BUS, "vbus");
        props.put(DriverBinding.DRIVER, name);
        props.put("vbus.match", ids);
        return context.registerService(Driver.class, driver, props);
    }

    @Override
    public synchronized void probe(BoundDevice device) throws Exception {
        calls.add("probe " + device.name());
        if (refuse) {
            throw new Exception("refused by test");
        }
    }

    @Override
    public synchronized void remove(BoundDevice device) {
        calls.add("remove " + device.name());
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
