package org.drivermodel.api;

import java.time.Instant;
import java.util.List;

/**
 * The lifetime report ({@link DriverCore#report()}): the tracked references held now, the usage
 * pins held now, and the recent leaks — references that outlived their object's removal, drains
 * that passed their deadline, and what bundles left behind when they went — and the faults of
 * drivers the core contained: a failed probe, a remove past its deadline, a thread left running
 * in a stopped bundle, a registration after the binding ended (since 1.2).
 *
 * @param references the references held now, by object and holder
 * @param pins       the pins held now
 * @param leaks      the most recent leaks, oldest first (a bounded history)
 */
public record LifetimeReport(List<Reference> references, List<Pin> pins, List<Leak> leaks) {

    /** Copies the lists. */
    public LifetimeReport {
        references = List.copyOf(references);
        pins = List.copyOf(pins);
        leaks = List.copyOf(leaks);
    }

    /**
     * References to one object held by one holder.
     *
     * @param object  the device path
     * @param holder  who holds them
     * @param count   how many
     * @param takenAt where each was taken, when tracking is on (stack traces as text); else empty
     */
    public record Reference(String object, String holder, int count, List<String> takenAt) {
        /** Copies the list. */
        public Reference {
            takenAt = List.copyOf(takenAt);
        }
    }

    /**
     * A usage pin.
     *
     * @param device the pinned device's path
     * @param driver the driver whose binding is pinned
     * @param holder who holds it
     * @param reason why
     */
    public record Pin(String device, String driver, String holder, String reason) {
    }

    /**
     * Something that was not let go in time, and what the core did about it.
     *
     * @param when    when it was found
     * @param kind    what kind of leak
     * @param object  the object concerned (a device, a path of the attribute tree, a bundle)
     * @param holders who held on: bundles holding references, threads still inside driver code
     * @param detail  the full text, with stacks or driver frames where known
     */
    public record Leak(Instant when, Kind kind, String object, List<String> holders, String detail) {
        /** Copies the list. */
        public Leak {
            holders = List.copyOf(holders);
        }

        /** Kinds of leak. */
        public enum Kind {
            /** References still held when their device was removed: revoked and reclaimed. */
            REFERENCE,
            /** Threads still inside driver callbacks when a drain's deadline passed. */
            DRAIN,
            /** What a bundle still held or had registered through the core when it went: released. */
            BUNDLE,
            /**
             * A driver's probe failed (Linux "probe of X failed with error -N"): what it did was
             * unwound and the device left to the next driver. The detail has the exception. Since 1.2.
             * Also a probe still running at the drain deadline, named with its thread and driver
             * frame: a removal waiting for its device lock goes on, and the binding ends when the
             * probe returns.
             */
            PROBE,
            /**
             * A driver's {@code remove} still running when the drain deadline passed: named with its
             * thread and driver frame. The thread running it goes on waiting for it (nothing can
             * stop a thread), as Linux's hung-task detector reports and waits. Since 1.2.
             */
            REMOVE,
            /**
             * A thread still running a bundle's code after the bundle stopped (a thread it started
             * and never stopped, or one stuck in it): named with its stack. Since 1.2.
             */
            THREAD,
            /**
             * A registration a driver made after its binding had ended (an attribute group added
             * after its {@code remove}): refused with ENODEV, named with the caller. Since 1.2.
             */
            REGISTRATION,
            /**
             * Driver code threw at the core's boundary (any {@code Throwable}, an {@code Error} as
             * much as an exception) from a callback other than probe — remove, show, store, a
             * disconnect, a resource release, an attribute-group getter — or a driver's match
             * data failed to be read: contained, turned into an errno for the caller, named with
             * driver, bundle, device and the throwable. Since 2.0.
             */
            FAULT,
            /**
             * A bundle that registered a driver was uninstalled and refreshed, and its class
             * loader was still reachable after the release deadline of garbage collection:
             * something keeps the unloaded module's classes (a thread it left, a static cache of
             * another bundle). Since 2.0.
             */
            LOADER
        }
    }
}
