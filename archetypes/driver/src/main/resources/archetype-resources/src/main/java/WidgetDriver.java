package ${package};

import java.util.List;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.api.AttributeValues;
import org.drivermodel.api.BoundDevice;
import org.drivermodel.api.Driver;
import org.drivermodel.api.DriverBinding;
#if( $bus == "platform" )
import org.drivermodel.platform.PlatformMatch;
#else
import org.drivermodel.vbus.VbusMatch;
#end
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The ${driver} driver: a Declarative Services component offering {@link Driver}. Its bus, name
#if( $bus == "platform" )
 * and compatible string are service properties: the core binds it to every platform device
 * declared with {@code compatible = ${compatible}} without running any of this code.
#else
 * and id table are service properties: the core binds it to every vbus device {@code ${vbusId}}
 * without running any of this code.
#end
 *
 * <p>{@code probe} is the recipe: alloc, init, register. What it registers belongs to the
 * binding (the driver data, and anything added to {@code device.resources()}), so there is no
 * {@code remove}: when the device goes, is unbound, or this bundle stops, the core removes the
 * attribute file (waiting for reads and writes in flight) and drops the rest before that
 * returns.
 *
 * <p>Its one attribute file, {@code level} (read-write, 0 to 100), is in the device's
 * directory while it is bound.
 */
@Component(service = Driver.class)
#if( $bus == "platform" )
@DriverBinding(bus = "platform", driver = "${driver}")
@PlatformMatch("${compatible}")
#else
@DriverBinding(bus = "vbus", driver = "${driver}")
@VbusMatch("${vbusId}")
#end
public final class WidgetDriver implements Driver {

    @Reference(service = LoggerFactory.class)
    private Logger log;

    @Override
    public void probe(BoundDevice device) {
        Widget widget = new Widget();      // alloc
        widget.reset();                    // init
        device.setDriverData(widget);      // register
        log.info("{}: bound to ${driver}, level {}", device.path(), widget.level());
    }

    @Override
    public List<AttributeGroup<BoundDevice>> deviceAttributes() {
        return List.of(AttributeGroup.of(Attribute.<BoundDevice>rw(Widget.ATTRIBUTE,
                d -> d.driverData(Widget.class).level() + "\n",
                (d, value, ctx) -> d.driverData(Widget.class)
                        .setLevel(AttributeValues.parseUnsigned(value, ctx.path(), 0, Widget.MAX_LEVEL)))));
    }
}
