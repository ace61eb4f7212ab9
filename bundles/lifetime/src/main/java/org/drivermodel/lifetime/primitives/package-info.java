/**
 * The lifetime primitives of the driver model, in plain Java: the things the core and the upper
 * layers build "disconnect now" and "holders never pin drivers" from. No driver sees them: a
 * driver holds only API types (the managed resources of its binding are
 * {@code org.drivermodel.lifetime}, in the API bundle).
 *
 * <ul>
 * <li>{@link org.drivermodel.lifetime.primitives.ActiveGate} — the kernfs active reference:
 * counts callers currently inside an owner's code, refuses new ones once the owner is going, and
 * drains the rest with a deadline, naming the threads still inside.</li>
 * <li>{@link org.drivermodel.lifetime.primitives.RefCounted} and
 * {@link org.drivermodel.lifetime.primitives.Ref} — kref with ref_tracker: every reference names
 * its holder (and, when tracking is on, where it was taken), double puts are reported with both
 * stacks, revoked objects answer {@code ENODEV}, and unregistration waits with escalating
 * warnings, never forever.</li>
 * <li>{@link org.drivermodel.lifetime.primitives.OwnerFrames} — finds the first frame of an
 * owner's (a driver bundle's) code in a thread's stack, for the reports and the unload scans.</li>
 * <li>{@link org.drivermodel.lifetime.primitives.Deadline} — the one conversion of a wait's
 * deadline into {@code System.nanoTime()} arithmetic.</li>
 * </ul>
 *
 * <p>Every error is a {@link org.drivermodel.error.DriverModelException} with a Linux-style
 * code. Nothing here logs: waits and teardown return report objects whose
 * {@code toString()} reads well in a log, and the caller decides where it goes.
 *
 * <p>1.0: these types were in {@code org.drivermodel.lifetime} (1.1) until the API got a bundle
 * of its own. Since then, before any release of this package: the gate's token form
 * ({@code enterToken}/{@code exit(long)}/{@code unbreakProtection}, no caller) went,
 * {@code Deadline} came, and {@code OwnerFrames} can judge frames by a bundle's entries.
 * 1.1: {@code RefCounted} takes a name supplier. 1.2: {@code RefCounted.init} and
 * {@code putInitial}, the creator's untracked first reference ({@code kref_init}).
 */
@Export
@Version("1.2.0")
package org.drivermodel.lifetime.primitives;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
