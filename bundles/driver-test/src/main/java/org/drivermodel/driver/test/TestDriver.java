package org.drivermodel.driver.test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Device;
import org.drivermodel.api.DeviceClass;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.api.DriverCore;
import org.drivermodel.testkit.TestHooks;
import org.drivermodel.vbus.VbusMatch;
import org.drivermodel.vbus.VirtualBus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * testdrv: drives every vbus device of vendor {@code 7e57}. A driver written the recommended
 * way — probe allocates, initialises and registers, all as managed resources; no remove — that
 * also lets a test look inside:
 * <ul>
 * <li>each bound device gets a class device {@code /class/testdrv/tdN} (its "interface",
 * which consumers may hold references to), removed with the binding;</li>
 * <li>its attribute {@code value} answers {@code gen=<generation> probes=<n>}; its
 * {@code show} first calls {@link TestHooks#show}, which a test may block;</li>
 * <li>any of its code running after its component was deactivated reports itself through
 * {@link TestHooks#lateCall}: a call into an unloaded module;</li>
 * <li>product {@code 0bad} makes its probe take a reference to the device and never put it:
 * a leak, for the per-bundle accounting to find when this bundle stops.</li>
 * </ul>
 */
@Component(service = Driver.class)
@DriverBinding(bus = "vbus", driver = "testdrv")
@VbusMatch("7e57:*")
public final class TestDriver extends WatchedDriver {

    /** This class loader's generation: tells the bundle's updates apart. */
    static final long GENERATION = System.nanoTime();

    /** The product id whose probe leaks a reference on purpose. */
    static final String LEAKY_PRODUCT = "0bad";

    @Reference
    private DriverCore core;

    private final AtomicInteger probes = new AtomicInteger();
    private DeviceClass interfaces;     /* written in activate, before the Driver service is registered */

    @Activate
    void activate() {
        interfaces = core.registerClass("testdrv", List.of());
    }

    @Override
    void deactivated() {
        interfaces.close();
    }

    @Override
    public void probe(BoundDevice device) {
        alive("probe " + device.path());
        int n = probes.incrementAndGet();                               // alloc
        interfaces.addDevice("td" + n, Map.of("parent", device.name()), device); // register (removed with the binding)
        if (LEAKY_PRODUCT.equals(device.property(VirtualBus.PRODUCT))) {
            core.hold(device.path());                                   // leaked on purpose
        }
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        return List.of(AttributeGroup.of(Attribute.<BoundDevice>ro("value", this::show)));
    }

    private String show(Device device) {
        String what = device.path() + "/value";
        alive("show " + what);
        TestHooks h = hooks();
        if (h != null) {
            h.show(GENERATION, what);
        }
        alive("show " + what + " (returning)");
        return "gen=" + GENERATION + " probes=" + probes.get() + "\n";
    }

    private void alive(String what) {
        alive(what, false);
    }
}
