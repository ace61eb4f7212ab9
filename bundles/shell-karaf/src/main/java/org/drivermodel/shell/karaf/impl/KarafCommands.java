package org.drivermodel.shell.karaf.impl;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Registry;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.drivermodel.api.DriverCore;
import org.drivermodel.shell.CommandService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Registers each command service of the shell ({@link CommandService} properties) in Karaf's
 * console, one {@link MethodCommand} per function, and withdraws them when the service goes or
 * this bundle stops. In Karaf the shell does not publish them to Gogo (see its
 * {@code GogoCommands}), so each name is registered once, here.
 *
 * <p>Concurrency: the tracker's callbacks are serialised per service by the framework; the
 * commands of a service are its tracked object, so no state of this class is shared. Karaf's
 * registry is called without any lock of ours held.
 */
@Component(immediate = true)
public final class KarafCommands {

    @Reference
    private SessionFactory sessions;

    @Reference
    private DriverCore core;

    @Reference(service = LoggerFactory.class)
    private Logger log;

    private ServiceTracker<Object, List<Command>> tracker; /* set at activate, read at deactivate */

    @Activate
    void activate(BundleContext context) throws InvalidSyntaxException {
        Names names = new Names(core, context);
        Registry registry = sessions.getRegistry();
        tracker = new ServiceTracker<>(context, context.createFilter(
                "(&(" + CommandService.SCOPE + "=*)(" + CommandService.FUNCTION + "=*))"), null) {
            @Override
            public List<Command> addingService(ServiceReference<Object> reference) {
                Object target = context.getService(reference);
                if (target == null) {
                    return null;
                }
                String scope = String.valueOf(reference.getProperty(CommandService.SCOPE));
                List<Command> commands = new ArrayList<>();
                for (String function : functions(reference.getProperty(CommandService.FUNCTION))) {
                    try {
                        MethodCommand command = new MethodCommand(scope, function, target, names);
                        registry.register(command);
                        commands.add(command);
                    } catch (IllegalArgumentException noSuchMethod) {
                        log.error("command {}:{} of {} not registered in Karaf's console: {}", scope, function,
                                reference.getBundle().getSymbolicName(), noSuchMethod.getMessage());
                    }
                }
                return commands;
            }

            @Override
            public void removedService(ServiceReference<Object> reference, List<Command> commands) {
                commands.forEach(registry::unregister);
                context.ungetService(reference);
            }
        };
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        tracker.close();
    }

    private static List<String> functions(Object property) {
        if (property instanceof String[] many) {
            return List.of(many);
        }
        return List.of(String.valueOf(property));
    }
}
