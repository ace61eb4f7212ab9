/**
 * The lifetime primitives of the driver model, in plain Java: the things every upper layer
 * and the core build "disconnect now" and "holders never pin drivers" from.
 *
 * <ul>
 * <li>{@link org.drivermodel.lifetime.ActiveGate} — the kernfs active reference: counts
 * callers currently inside an owner's code, refuses new ones once the owner is going, and
 * drains the rest with a deadline, naming the threads still inside.</li>
 * <li>{@link org.drivermodel.lifetime.RefCounted} and {@link org.drivermodel.lifetime.Ref} —
 * kref with ref_tracker: every reference names its holder (and, when tracking is on, where
 * it was taken), double puts are reported with both stacks, revoked objects answer
 * {@code ENODEV}, and unregistration waits with escalating warnings, never forever.</li>
 * <li>{@link org.drivermodel.lifetime.ManagedResources} — devres: the resources of one
 * binding, released in reverse order exactly once, with groups that roll back a partial
 * acquisition.</li>
 * </ul>
 *
 * <p>Every error is a {@link org.drivermodel.error.DriverModelException} with a Linux-style
 * code. Nothing here logs: waits and teardown return report objects whose
 * {@code toString()} reads well in a log, and the caller decides where it goes.
 */
@Export
@Version("2.0.0")
package org.drivermodel.lifetime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
