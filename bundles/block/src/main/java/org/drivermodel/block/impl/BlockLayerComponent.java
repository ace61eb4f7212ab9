package org.drivermodel.block.impl;

import java.time.Duration;
import java.util.Map;

import org.drivermodel.api.DriverCore;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The block layer as a Declarative Services component: it registers the {@code block} class and
 * a bundle-scoped {@link BlockLayer} service. Configuration PID {@value #PID}:
 * {@code drain.timeout.ms} (default 5000, 1 to 600000), how long a disk's removal waits for
 * handler calls and requests in flight before it aborts the rest with EIO.
 *
 * <p>Concurrency: Declarative Services calls activate, modified and deactivate one at a time;
 * {@link #registry} is written in activate, before the service is registered.
 */
@Component(immediate = true, configurationPid = BlockLayerComponent.PID)
public final class BlockLayerComponent {
    /** The configuration PID. */
    static final String PID = "org.drivermodel.block";
    static final String DRAIN_TIMEOUT_MS = "drain.timeout.ms";
    static final Duration DEFAULT_DRAIN = Duration.ofSeconds(5);

    @Reference
    private DriverCore core;

    @Reference(service = LoggerFactory.class)
    private Logger log;

    private DiskRegistry registry;
    private ServiceRegistration<BlockLayer> registration;

    @Activate
    void activate(BundleContext context, Map<String, Object> config) {
        registry = new DiskRegistry(core, log, drainTimeout(config, DEFAULT_DRAIN));
        registration = context.registerService(BlockLayer.class, new ServiceFactory<BlockLayer>() {
            @Override
            public BlockLayer getService(Bundle bundle, ServiceRegistration<BlockLayer> reg) {
                return new BlockView(registry, "bundle " + bundle.getBundleId() + " (" + bundle.getSymbolicName() + ")", log);
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<BlockLayer> reg, BlockLayer view) {
                ((BlockView) view).release();
            }
        }, null);
    }

    @Modified
    void modified(Map<String, Object> config) {
        registry.setDrainTimeout(drainTimeout(config, null));
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        registry.close();
    }

    /** @return the configured drain timeout, or {@code fallback} (logged) if it is invalid */
    private Duration drainTimeout(Map<String, Object> config, Duration fallback) {
        try {
            return parseDrainTimeout(config.get(DRAIN_TIMEOUT_MS));
        } catch (DriverModelException e) {
            log.error("{}: configuration ignored", e.getMessage());
            return fallback != null ? fallback : DEFAULT_DRAIN;
        }
    }

    static Duration parseDrainTimeout(Object v) {
        if (v == null) {
            return DEFAULT_DRAIN;
        }
        long ms;
        try {
            ms = v instanceof Number n && !(v instanceof Double || v instanceof Float) ? n.longValue()
                    : Long.parseLong(String.valueOf(v).strip());
        } catch (NumberFormatException e) {
            throw invalid(v, "not a whole number of milliseconds");
        }
        if (ms < 1 || ms > 600_000) {
            throw invalid(v, "must be 1 to 600000 ms");
        }
        return Duration.ofMillis(ms);
    }

    private static DriverModelException invalid(Object v, String why) {
        return new DriverModelException(Errno.EINVAL, "configuration " + PID + ": " + DRAIN_TIMEOUT_MS,
                "'" + DriverModelException.quote(String.valueOf(v)) + "' " + why);
    }
}
