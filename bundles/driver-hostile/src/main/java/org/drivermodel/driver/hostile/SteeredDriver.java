package org.drivermodel.driver.hostile;

import org.drivermodel.api.Driver;
import org.drivermodel.testkit.HostileHooks;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * A hostile driver with its line to the test: the dynamic, optional reference to the test's
 * {@link HostileHooks} that every hostile driver's component holds, handed to its
 * {@link Steering}. Each driver is a Declarative Services component extending this class; the
 * bundle's bnd instructions ({@code -dsannotations-options: inherit}) put the reference declared
 * here into each one's component description.
 *
 * <p>Concurrency: the reference methods are called by Declarative Services; {@link Steering}
 * publishes the hooks to the driver's threads.
 */
abstract class SteeredDriver implements Driver {
    final Steering steering = new Steering();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindHooks(HostileHooks h) {
        steering.bind(h);
    }

    void unbindHooks(HostileHooks h) {
        steering.unbind(h);
    }
}
