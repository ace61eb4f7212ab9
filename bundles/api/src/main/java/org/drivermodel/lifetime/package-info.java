/**
 * The managed resources of a binding (Linux devres), as a driver holds them: what
 * {@link org.drivermodel.api.BoundDevice#resources()} hands it.
 *
 * <ul>
 * <li>{@link org.drivermodel.lifetime.ManagedResources} — the resources of one binding,
 * released in reverse order exactly once, with groups that roll back a partial
 * acquisition.</li>
 * <li>{@link org.drivermodel.lifetime.ReleaseFailure} and
 * {@link org.drivermodel.lifetime.ResourcesState} — what a release reports, and where the
 * resources are in their life.</li>
 * </ul>
 *
 * <p>A driver sees these types, so they live in the API bundle with
 * {@link org.drivermodel.api} and {@link org.drivermodel.error}, and a driver bundle wires to
 * nothing that the core or the lifetime bundle exports. The primitives the core and the upper
 * layers build on (the active gate, tracked references) are in
 * {@code org.drivermodel.lifetime.primitives}, in the lifetime bundle.
 *
 * <p>Every error is a {@link org.drivermodel.error.DriverModelException} with a Linux-style
 * code. Nothing here logs: a release reports its failures to the caller, which decides where
 * they go.
 *
 * <p>2.0: the active gate, the tracked references and their reports left this package for
 * {@code org.drivermodel.lifetime.primitives} (the lifetime bundle); what is left is unchanged.
 */
@Export
@Version("2.0.0")
package org.drivermodel.lifetime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
