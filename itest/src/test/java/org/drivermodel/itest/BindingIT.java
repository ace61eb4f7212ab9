package org.drivermodel.itest;

import static org.drivermodel.itest.Errors.assertErrno;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.Driver;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.vbus.VirtualBus;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * Manual binding from the shell (bind, unbind, driver_override, drivers_autoprobe, deferred
 * probe) and the bus bundle's stop, in a real framework. The virtual bus is not injected: a test
 * stops its bundle, so the tear-down looks up the bus of now.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BindingIT extends DriverModelTestBase {

    @After
    public void restore() throws Exception {
        Bundles.startIfStopped(bundle("org.drivermodel.bus-virtual"));
        unplugAll(vbus());
        core.setAutoprobe("vbus", true);
    }

    private String plug(String id) throws Exception {
        String out = run("vbus:plug " + id);
        return out.substring("plugged ".length(), out.indexOf(':', "plugged ".length() + 5));
    }

    @Test
    public void unbindAndBindFromTheShellAnswerAsLinuxDoes() throws Exception {
        String name = plug("1209:0001");
        Device dev = core.device("vbus/" + name);
        assertErrno(Errno.EINVAL, () -> run("driver:unbind vled " + name));
        assertErrno(Errno.ENOENT, () -> run("driver:unbind vbus/nosuch " + name));
        assertErrno(Errno.EBUSY, () -> run("driver:bind vbus/vled " + name));
        assertEquals("unbound " + name + " from vbus/vled", run("driver:unbind vbus/vled " + name));
        assertEquals(DeviceState.UNBOUND, dev.state());
        assertErrno(Errno.ENODEV, () -> run("driver:unbind vbus/vled " + name));
        assertEquals("bound " + name + " to vbus/vled", run("driver:bind vbus/vled " + name));
        assertEquals(Optional.of("vled"), dev.driver());
        String other = plug("1209:0002");
        assertErrno(Errno.ENODEV, () -> run("driver:bind vbus/vled " + other));
    }

    @Test
    public void driverOverrideAndAutoprobeFromTheShell() throws Exception {
        assertEquals("vbus: drivers_autoprobe 0", run("bus:autoprobe vbus 0"));
        String name = plug("1209:0001");
        Device dev = core.device("vbus/" + name);
        assertEquals("with autoprobe off nothing binds by itself", DeviceState.UNBOUND, dev.state());
        assertTrue(run("bus:list"), run("bus:list").matches("(?s).*vbus\\s+1\\s+0\n"));
        assertErrno(Errno.EINVAL, () -> run("bus:autoprobe vbus yes"));
        assertErrno(Errno.ENOENT, () -> run("bus:autoprobe nobus 1"));
        assertEquals(false, core.autoprobe("vbus"));

        run("device:override vbus/" + name + " none");
        assertErrno(Errno.ENODEV, () -> run("driver:bind vbus/vled " + name));
        assertErrno(Errno.EINVAL, () -> run("device:override vbus/" + name + " a/b"));
        assertEquals(Optional.of("none"), dev.driverOverride());
        run("device:override vbus/" + name + " \"\"");
        run("driver:bind vbus/vled " + name);
        assertEquals(Optional.of("vled"), dev.driver());
    }

    @Test
    public void aDeferringDriverIsListedAndBindsOnceItsDependencyHasBound() throws Exception {
        boolean[] ready = {false};
        Driver needy = new Driver() {
            @Override
            public void probe(BoundDevice device) {
                if (!ready[0]) {
                    throw new DriverModelException(Errno.EPROBE_DEFER, "needy", "waiting for a vled");
                }
            }
        };
        ServiceRegistration<Driver> reg = context.registerService(Driver.class, needy, new java.util.Hashtable<>(
                Map.of("drivermodel.bus", "vbus", "drivermodel.driver", "needy", "vbus.match", "1209:00aa")));
        try {
            String name = plug("1209:00aa");
            assertTrue(run("device:deferred"), run("device:deferred").contains("waiting for a vled"));
            assertErrno(Errno.EAGAIN, () -> run("driver:bind vbus/needy " + name));
            ready[0] = true;
            plug("1209:0001");
            assertEquals("retried after the LED bound", Optional.of("needy"), core.device("vbus/" + name).driver());
            assertEquals(Map.of(), core.deferredDevices());
        } finally {
            reg.unregister();
        }
    }

    @Test
    public void stoppingTheBusBundleRemovesItsDevicesAndItsDriversWait() throws Exception {
        String name = plug("1209:0001");
        Device dev = core.device("vbus/" + name);
        Bundle vbusBundle = bundle("org.drivermodel.bus-virtual");
        vbusBundle.stop();
        assertEquals("removed when stop returns", DeviceState.REMOVED, dev.state());
        assertEquals(List.of(), core.devices());
        assertEquals(List.of("platform"), core.buses());
        assertTrue("vled waits for its bus", core.drivers().stream().anyMatch(d -> d.name().equals("vled")));
        assertErrno(Errno.ENODEV, () -> run("vbus:plug 1209:0001"));

        vbusBundle.start();
        assertEquals(List.of("platform", "vbus"), core.buses());
        String again = plug("1209:0001");
        assertEquals(Optional.of("vled"), core.device("vbus/" + again).driver());
    }

    private VirtualBus vbus() {
        ServiceReference<VirtualBus> ref = context.getServiceReference(VirtualBus.class);
        if (ref == null) {
            throw new AssertionError("no VirtualBus service");
        }
        return context.getService(ref);
    }
}
