package org.drivermodel.shell.impl;

import java.util.Hashtable;

import org.apache.felix.service.command.CommandProcessor;
import org.drivermodel.shell.CommandService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Publishes every command service ({@link CommandService} properties) to Gogo: the same object
 * registered again with {@code osgi.command.scope} and {@code osgi.command.function}, withdrawn
 * when the command goes.
 *
 * <p>Not in Apache Karaf (the framework property {@code karaf.home} is set): Karaf wraps every
 * Gogo command into its console without completion or {@code --help}, and a second command of
 * the same name would shadow the first one at random. There {@code org.drivermodel.shell.karaf}
 * registers the commands in Karaf's console itself, with both.
 *
 * <p>Concurrency: the tracker's callbacks are serialised per service by the framework; each
 * registration is the tracked object of its service, so no state of this class is shared.
 */
@Component(immediate = true)
public final class GogoCommands {
    static final String KARAF_HOME = "karaf.home";

    @Reference(service = LoggerFactory.class)
    private Logger log;

    private ServiceTracker<Object, ServiceRegistration<?>> tracker; /* set at activate, read at deactivate */

    @Activate
    void activate(BundleContext context) throws InvalidSyntaxException {
        if (context.getProperty(KARAF_HOME) != null) {
            log.info("in Apache Karaf ({}={}): the commands are left to org.drivermodel.shell.karaf, not published to Gogo",
                    KARAF_HOME, context.getProperty(KARAF_HOME));
            return;
        }
        tracker = new ServiceTracker<>(context, context.createFilter(
                "(&(" + CommandService.SCOPE + "=*)(" + CommandService.FUNCTION + "=*))"), null) {
            @Override
            public ServiceRegistration<?> addingService(ServiceReference<Object> reference) {
                Object command = context.getService(reference);
                if (command == null) {
                    return null;
                }
                Hashtable<String, Object> properties = new Hashtable<>();
                properties.put(CommandProcessor.COMMAND_SCOPE, reference.getProperty(CommandService.SCOPE));
                properties.put(CommandProcessor.COMMAND_FUNCTION, reference.getProperty(CommandService.FUNCTION));
                return context.registerService(Object.class.getName(), command, properties);
            }

            @Override
            public void removedService(ServiceReference<Object> reference, ServiceRegistration<?> registration) {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the shell is stopping: the framework unregistered it first
                }
                context.ungetService(reference);
            }
        };
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        if (tracker != null) {
            tracker.close();
        }
    }
}
