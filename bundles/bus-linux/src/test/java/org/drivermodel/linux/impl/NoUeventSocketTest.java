package org.drivermodel.linux.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;

import org.drivermodel.api.Bus;
import org.drivermodel.api.BusContext;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.Logger;

/**
 * Where the kernel's uevent socket cannot be opened (not Linux, not permitted), the bus says
 * why in one log line and in its status property (shown by {@code bus:list}), starts no thread,
 * adds nothing, and stops cleanly. A bad configuration is EINVAL in the log and the default stays.
 */
class NoUeventSocketTest {

    private final List<String> logged = new ArrayList<>();
    private final List<String> registry = new ArrayList<>();

    @Test
    void withoutTheSocketTheBusSaysWhyAndStaysEmpty() throws Exception {
        LinuxBusComponent bus = component();
        bus.opener = () -> {
            throw new IOException("socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT): EPERM (1)");
        };

        bus.activate(context(), Map.of());

        String why = "no kernel uevents: socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT): EPERM (1); the bus stays empty";
        assertEquals(why, bus.status());
        assertEquals(List.of("warn linux bus: {} [" + why + "]"), logged, "one log line");
        assertEquals(List.of("register " + Bus.class.getName() + " drivermodel.bus.name=linux drivermodel.bus.status=" + why), registry);
        bus.attach(deadContext());
        assertEquals(Map.of(), bus.mirrored());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("linux-")), "no thread started");
        DriverModelException e = assertThrows(DriverModelException.class, () -> bus.events(0));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(List.of(), bus.events(10));

        bus.deactivate();
        assertEquals("unregister", registry.get(registry.size() - 1));
    }

    @Test
    void aBadConfigurationIsEinvalAndTheDefaultStays() throws Exception {
        LinuxBusComponent bus = component();
        bus.opener = () -> {
            throw new IOException("not Linux");
        };
        bus.activate(context(), Map.of("subsystems", "../etc"));
        assertTrue(logged.get(0).startsWith("error {}; mirroring {} instead [EINVAL: configuration org.drivermodel.linux: subsystems:"),
                logged.get(0));
        bus.deactivate();
    }

    private LinuxBusComponent component() throws Exception {
        LinuxBusComponent bus = new LinuxBusComponent();
        Field log = LinuxBusComponent.class.getDeclaredField("log");
        log.setAccessible(true);
        log.set(bus, Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (p, m, a) -> {
            logged.add(m.getName() + " " + a[0] + " " + Arrays.toString(Arrays.copyOfRange(a, 1, a.length)));
            return null;
        }));
        return bus;
    }

    private BundleContext context() {
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                    registry.add(m.getName());
                    return null;
                });
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class}, (p, m, a) -> {
            if (m.getName().equals("registerService")) {
                Dictionary<?, ?> props = (Dictionary<?, ?>) a[2];
                registry.add("register " + ((Class<?>) a[0]).getName() + " drivermodel.bus.name=" + props.get("drivermodel.bus.name")
                        + " drivermodel.bus.status=" + props.get("drivermodel.bus.status"));
                return registration;
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    private static BusContext deadContext() {
        return (BusContext) Proxy.newProxyInstance(BusContext.class.getClassLoader(), new Class<?>[] {BusContext.class}, (p, m, a) -> {
            throw new AssertionError("the bus called its context: " + m.getName());
        });
    }
}
