package org.drivermodel.driver.netif;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
import org.drivermodel.linux.LinuxMatch;
import org.osgi.service.component.annotations.Component;

/**
 * The netif driver: a network interface of the host, on the {@code linux} bus. It matches the
 * kernel's {@code net} subsystem and the interfaces whose name matches the configured pattern
 * (configuration {@code org.drivermodel.netif}, property {@code linux.match.INTERFACE}, a regular
 * expression, e.g. {@code dm-.*}); unconfigured, the pattern is empty and matches no interface,
 * so that none of the host's own is taken.
 *
 * <p>{@code probe}: open the interface's kernel files ({@link Netif}), keep them as the
 * binding's data, and close them when the binding ends (a managed resource): nothing to do in
 * {@code remove}. Its attribute files, read-only, read through those open files:
 * {@code rx_bytes}, {@code tx_bytes}, {@code operstate}, {@code carrier}, {@code mtu}.
 */
@Component(service = Driver.class, configurationPid = "org.drivermodel.netif",
        property = LinuxMatch.VARIABLE_PREFIX + "INTERFACE=")
@DriverBinding(bus = "linux", driver = "netif")
@LinuxMatch(subsystem = "net")
public final class NetifDriver implements Driver {
    private static final Path SYSFS = Path.of("/sys");

    @Override
    public void probe(BoundDevice device) {
        Netif netif = Netif.open(SYSFS.resolve(device.property("DEVPATH").substring(1)));  // alloc, init: open the kernel's files
        device.setDriverData(netif);                                                        // register
        device.resources().add("kernel files", netif);                                      // closed at unbind
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        Attribute<BoundDevice>[] files = Arrays.stream(Netif.File.values())
                .map(f -> Attribute.<BoundDevice>ro(f.attribute(), d -> d.driverData(Netif.class).read(f, d.path() + "/" + f.attribute())))
                .toArray(Attribute[]::new);
        return List.of(AttributeGroup.of(files));
    }
}
