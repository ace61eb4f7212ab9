package org.drivermodel.driver.untrusted;

import org.drivermodel.api.Driver;
import org.drivermodel.testkit.HandOver;
import org.drivermodel.testkit.HostileHooks;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * An untrusted driver with its line to the test: the dynamic, optional references to the test's
 * {@link HostileHooks} and {@link HandOver} services, which the driver passes to
 * {@link Steering}. Each driver that talks to the test is a Declarative Services component
 * extending this class; the bundle's bnd instructions ({@code -dsannotations-options: inherit})
 * put the references declared here into each one's component description.
 *
 * <p>Concurrency: both fields are set and cleared by Declarative Services (volatile, as dynamic
 * field references must be); a driver reads each once per use.
 */
abstract class SteeredDriver implements Driver {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile HostileHooks hooks;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile HandOver handOver;
}
