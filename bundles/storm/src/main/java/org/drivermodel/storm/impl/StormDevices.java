package org.drivermodel.storm.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.drivermodel.api.LifetimeReport.Leak;
import org.drivermodel.error.Errno;

/**
 * What the storm plugs and which bundles it storms: the test drivers (testdrv on vbus vendor
 * 7e57, testblk on 7eb1, both in the driver-test bundle), the sample drivers (vled, ramdisk) and,
 * when installed, the untrusted drivers (vbus vendor b4d1, the driver-untrusted bundle), on the
 * virtual bus. The core, the block layer, the test kit and the storm itself are never stormed.
 *
 * <p>Left out: testdrv's leaky product 0bad and testblk's throwing (00e0) and never-completing
 * (00f0) products: they leak, fail or hang on purpose, which the hostile-driver tests cover one
 * by one. testblk 00d0 (completes every request twice) is in, since the block layer must keep its
 * second completion from the consumer.
 *
 * <p>The untrusted drivers are in the mix whose misbehaviour the core contains by design and
 * which leave nothing behind: Errors from remove (0001), probe (0002), deviceAttributes (0003),
 * show and store (0004); a 16 MiB show (0005); a probe (0006) or remove (0007) that unplugs its
 * own device; a remove that stops its own bundle (0008); a store that unplugs (0009) or unbinds
 * (000a) its own device; and the well-behaved control (0000). (0009 and 000a were left out while
 * the two core bugs the storm found with them stood: a store unbinding its own device and another
 * thread ending that binding waited for each other the whole drain deadline; a stop returned
 * while a store that had unplugged its own device still ran the driver's code.) The
 * storm registers neither {@code HostileHooks} nor {@code HandOver}, so none of them hangs or
 * reports. Left out of the mix:
 * <ul>
 * <li>{@code b4d1:000b} (untrusted-store-stop): its store calls {@code Bundle.stop()} on its own
 * bundle. When another stop of that bundle is under way (another writer's store, or a stop,
 * update or reinstall of the storm), the framework makes the store wait for that stop (seen on
 * Felix: {@code Felix.acquireBundleLock}) while that stop drains the store: a wait of the drain
 * deadline by design, which the core bounds and names (DRAIN, THREAD, and REMOVE for a stop run
 * inside 0008's remove). The core cannot see a thread blocked in the framework; the hang is the
 * driver's, contained as designed but not without trace.</li>
 * <li>{@code b4d1:000c} (untrusted-stale-handle): its fault is handing its handle to another
 * bundle (the test kit's {@code HandOver}), which then uses it after the binding ended. With no
 * {@code HandOver} registered it hands nothing over and is a plain driver; the stale handle needs
 * a holder that uses it, which {@code UntrustedDriversIT} is.</li>
 * <li>{@code b4d1:000d} (untrusted-probe-block): it blocks in probe only while a test's
 * {@code HostileHooks} holds it (without one it is a plain driver), and when it does it holds its
 * device past the drain deadline on purpose: a PROBE entry, a stop that waits the whole drain
 * deadline, a THREAD entry naming the prober — a hang, not a contained fault that leaves nothing
 * behind.</li>
 * <li>{@code b4d1:000e} (untrusted-executor): it leaves an executor running for good, on purpose
 * (a static list, never shut down): a THREAD entry at every stop of its bundle, and after an update
 * or reinstall a LOADER entry and a retired class loader that is never collected, which the storm
 * rightly counts as leaks.</li>
 * <li>{@code b4d1:000f} (untrusted-hand-on-ref): it leaks a reference on purpose, handed to a
 * bundle that never puts it: a BUNDLE entry at every stop of its bundle.</li>
 * </ul>
 * A driver bundle whose drivers stop it themselves (driver-untrusted: 0008) may be stopped by its
 * own code; the storm's bundle operations on it allow for that (see {@link StormMix#stopsItself}).
 */
final class StormDevices {
    static final String TESTDRV_VENDOR = "7e57";
    static final String TESTBLK_VENDOR = "7eb1";
    static final String UNTRUSTED_VENDOR = "b4d1";
    static final String VLED = "1209:0001";
    static final String RAMDISK = "1d6b:0100";

    /** The ids of the drivers always stormed, in the order the schedule draws from. */
    static final List<String> IDS = List.of("7e57:0001", "7e57:0002", "7eb1:0001", "7eb1:00d0", VLED, RAMDISK);

    /** The untrusted drivers' ids in the mix (see the class comment for those left out), in draw order. */
    static final List<String> UNTRUSTED_IDS = List.of("b4d1:0000", "b4d1:0001", "b4d1:0002", "b4d1:0003", "b4d1:0004",
            "b4d1:0005", "b4d1:0006", "b4d1:0007", "b4d1:0008", "b4d1:0009", "b4d1:000a");

    /**
     * The untrusted ids whose device may leave without the storm unplugging it: unplugged by its
     * own driver's probe (0006), remove (0007) or store (0009). The storm's own unplug of such a
     * device may find it gone (ENOENT from the bus).
     */
    static final Set<String> LEAVE_BY_THEMSELVES = Set.of("b4d1:0006", "b4d1:0007", "b4d1:0009");

    /**
     * The lifetime-report entries the untrusted drivers cause by design, by device id: the core
     * contained them (the caller got an errno, the binding ended once or stayed as designed) and
     * names them. Any other entry of theirs, and every entry of any other kind, is still a problem.
     */
    static final Map<String, Set<Leak.Kind>> UNTRUSTED_FAULTS = Map.of(
            "b4d1:0001", Set.of(Leak.Kind.FAULT),  // remove throws AssertionError
            "b4d1:0002", Set.of(Leak.Kind.PROBE),  // probe throws StackOverflowError
            "b4d1:0003", Set.of(Leak.Kind.FAULT),  // deviceAttributes throws LinkageError
            "b4d1:0004", Set.of(Leak.Kind.FAULT)); // show and store of "bad" throw

    /**
     * The ids never plugged across a bus restart: none. (testblk used to be here: it tracked
     * removal by path, so a device that came back under the same path after its bus restarted
     * looked removed and every request to its new disk counted as a call after remove; it now
     * tracks removal per binding.) A driver that cannot survive its bus restarting goes here.
     */
    static final Set<String> NOT_ACROSS_BUS_RESTART = Set.of();

    /** The bus bundle. */
    static final String BUS_BUNDLE = "org.drivermodel.bus-virtual";

    /** The bundle of the untrusted drivers: stormed when installed (it is not in the distribution). */
    static final String UNTRUSTED_BUNDLE = "org.drivermodel.driver-untrusted";

    /** The driver bundles always stormed, each with one of its drivers on vbus (for the management command). */
    static final Map<String, String> DRIVER_BUNDLES = Map.of(
            "org.drivermodel.driver-test", "testdrv",
            "org.drivermodel.driver-vled", "vled",
            "org.drivermodel.driver-ramdisk", "ramdisk");

    /** The driver bundles always stormed, in the order the schedule sees them. */
    static final List<String> DRIVER_BUNDLE_ORDER = List.of(
            "org.drivermodel.driver-test", "org.drivermodel.driver-vled", "org.drivermodel.driver-ramdisk");

    /**
     * The untrusted bundle's driver the management command names: the plain one, which needs no
     * other service and so is registered whenever the bundle is active.
     */
    static final String UNTRUSTED_MANAGED_DRIVER = "untrusted-plain";

    /** Device ids end with product ids of four hex digits; a vbus name is the id, a dot and a count. */
    private static final Pattern VBUS_NAME = Pattern.compile("([0-9a-f]{4}:[0-9a-f]{4})\\.\\d+");

    /** What any attribute read or write of a device may fail with: it went while the handle was open. */
    private static final Set<Errno> GONE = Set.of(Errno.ENODEV);
    /** A read or write the driver's code fails on purpose, contained as EIO; or the device went. */
    private static final Set<Errno> FAULTY = Set.of(Errno.EIO, Errno.ENODEV);

    private StormDevices() {
    }

    /**
     * @param untrustedInstalled whether the untrusted drivers' bundle is installed
     * @return what the storm plugs and storms
     */
    static StormMix mix(boolean untrustedInstalled) {
        if (!untrustedInstalled) {
            return new StormMix(DRIVER_BUNDLE_ORDER, DRIVER_BUNDLES, IDS, Set.of(), Set.of(), null, Map.of(),
                    NOT_ACROSS_BUS_RESTART);
        }
        List<String> bundles = new ArrayList<>(DRIVER_BUNDLE_ORDER);
        bundles.add(UNTRUSTED_BUNDLE);
        Map<String, String> managed = new LinkedHashMap<>(DRIVER_BUNDLES);
        managed.put(UNTRUSTED_BUNDLE, UNTRUSTED_MANAGED_DRIVER);
        List<String> ids = new ArrayList<>(IDS);
        ids.addAll(UNTRUSTED_IDS);
        return new StormMix(bundles, managed, ids, Set.of(UNTRUSTED_BUNDLE), LEAVE_BY_THEMSELVES, UNTRUSTED_BUNDLE,
                UNTRUSTED_FAULTS, NOT_ACROSS_BUS_RESTART);
    }

    /** @return the id {@code vvvv:pppp} of a vbus device path or name, or null if it is none */
    static String idOf(String pathOrName) {
        String name = pathOrName.substring(pathOrName.lastIndexOf('/') + 1);
        var m = VBUS_NAME.matcher(name);
        return m.matches() ? m.group(1) : null;
    }

    /**
     * The attribute file the attribute threads use on a device of that id, and what its reads
     * and writes may end with: one of its driver's files where it has one (the untrusted drivers'
     * faulty ones included), else its bus's {@code idProduct}.
     */
    static AttributeUse attributeOf(String id) {
        if (id.startsWith(TESTDRV_VENDOR)) {
            return AttributeUse.readOnly("value", GONE, null);
        }
        return switch (id) {
            case VLED -> new AttributeUse("brightness", true, true, GONE, null, false);
            // the control: its binding's generation
            case "b4d1:0000" -> AttributeUse.readOnly("generation", GONE, Pattern.compile("[1-9]\\d*\n"));
            // show throws InternalError, store ExceptionInInitializerError: EIO, never a success
            case "b4d1:0004" -> new AttributeUse("bad", true, true, FAULTY, Pattern.compile("(?!)"), true);
            // show returns 16 MiB: the reader gets the first page, 4096 characters
            case "b4d1:0005" -> AttributeUse.readOnly("huge", GONE, Pattern.compile("h{4096}"));
            // a write unplugs its own device: a second writer may find it gone from the bus too
            case "b4d1:0009" -> new AttributeUse("eject", false, true, Set.of(Errno.ENODEV, Errno.ENOENT), null, false);
            // a write unbinds its own device, which it looks up by name: a later write finds it
            // unbound, and a write racing the device's unplug finds it gone from the bus
            case "b4d1:000a" -> new AttributeUse("unbind", false, true, Set.of(Errno.ENODEV, Errno.ENOENT), null, false);
            default -> AttributeUse.readOnly("idProduct", GONE, null);
        };
    }

    /**
     * An attribute file the attribute threads use, and what they may get from it.
     *
     * @param name       the file name under the device
     * @param readable   whether it is read
     * @param writable   whether it is written
     * @param errors     the codes a read or write may end with
     * @param shows      what a successful read must show, all of it; null for anything. A pattern
     *                   that matches nothing says a read never succeeds
     * @param storeFails true if a write never succeeds
     */
    record AttributeUse(String name, boolean readable, boolean writable, Set<Errno> errors, Pattern shows,
            boolean storeFails) {

        static AttributeUse readOnly(String name, Set<Errno> errors, Pattern shows) {
            return new AttributeUse(name, true, false, errors, shows, false);
        }
    }
}
