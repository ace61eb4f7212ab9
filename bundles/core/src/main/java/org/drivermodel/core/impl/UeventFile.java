package org.drivermodel.core.impl;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.Bus;
import org.drivermodel.api.Device;
import org.drivermodel.api.Uevent;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * A device's {@code uevent} file (Linux {@code uevent_show}/{@code uevent_store},
 * drivers/base/core.c).
 *
 * <p><b>Read</b>: the device's uevent variables, one {@code KEY=value} a line, made at each read:
 * {@code DRIVER=} while a driver is bound (the core's, as {@code dev_uevent}), then the bus's
 * identity variables ({@link Bus#uevent}, as {@code bus->uevent}: vbus's {@code VBUS_ID} and
 * {@code MODALIAS}, platform's {@code OF_COMPATIBLE_0} and {@code MODALIAS}). As on Linux, the
 * event-only variables ({@code ACTION}, {@code DEVPATH}, {@code SUBSYSTEM}) are not shown.
 *
 * <p><b>Write</b> (Linux {@code kobject_synth_uevent}): {@code <action> [<uuid> [KEY=value ...]]}
 * posts that uevent, synthetic: the properties a real one would have now, with
 * {@link Uevent#DRIVER} while bound, plus {@link Uevent#SYNTH_UUID} (the UUID, or {@code 0}) and
 * a {@link Uevent#SYNTH_ARG_PREFIX} property per argument. Nothing else happens: {@code remove}
 * does not remove the device. An unknown action, a malformed UUID or argument is EINVAL naming
 * the file, and posts nothing.
 *
 * <p><b>Memory</b>: one {@link Attribute} for every device, holding no device (the tree hands
 * the device to its callbacks), in the group of shared files every device directory has (with
 * {@code driver_override}): a device's {@code uevent} has no node of its own until it is first
 * opened ({@code AttributeTree.createDirectory} with shared files).
 *
 * <p>Concurrency: stateless. The show calls the bus with no lock of the core held (the tree
 * calls shows so); the store only queues an event.
 */
final class UeventFile {
    /** The file's name, as Linux's. */
    static final String NAME = "uevent";

    private static final Pattern KEY = Pattern.compile("[A-Z0-9_]+");
    private static final Pattern ARG_KEY = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private UeventFile() {
    }

    /** @return the one attribute every device's {@code uevent} file is */
    static Attribute<Device> attribute(UeventSink sink) {
        return Attribute.<Device>rw(NAME, UeventFile::show, (d, value, ctx) -> store(sink, d, value, ctx.path()));
    }

    /** Context: a show, no lock of the core held. */
    static String show(Device d) {
        StringBuilder b = new StringBuilder(64);
        d.driver().ifPresent(name -> b.append("DRIVER=").append(name).append('\n'));
        Bus bus = d instanceof DeviceNode n && n.subsystem().isBus() ? n.subsystem().bus() : null;
        if (bus != null) {
            Map<String, String> vars = bus.uevent(d);
            if (vars != null) {
                for (Map.Entry<String, String> e : vars.entrySet()) {
                    String k = e.getKey();
                    String v = e.getValue();
                    if (k == null || v == null || !KEY.matcher(k).matches() || v.indexOf('\n') >= 0 || v.indexOf('\0') >= 0) {
                        throw new DriverModelException(Errno.EIO, d.path() + "/" + NAME, "bus " + d.bus()
                                + " gave a malformed uevent variable " + DriverModelException.quote(String.valueOf(k)));
                    }
                    b.append(k).append('=').append(v).append('\n');
                }
            }
        }
        return b.toString();
    }

    /** Context: a store; queues the event only. */
    static void store(UeventSink sink, Device d, String value, String file) {
        String text = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        String[] words = text.strip().split("\\s+");
        Uevent action = action(words[0], file);
        Map<String, String> synth = new LinkedHashMap<>();
        synth.put(Uevent.SYNTH_UUID, "0");
        if (words.length > 1) {
            if (!UUID.matcher(words[1]).matches()) {
                throw new DriverModelException(Errno.EINVAL, file, "'" + DriverModelException.quote(words[1]) + "' is not a UUID");
            }
            synth.put(Uevent.SYNTH_UUID, words[1]);
            for (String arg : Arrays.asList(words).subList(2, words.length)) {
                int eq = arg.indexOf('=');
                if (eq <= 0 || !ARG_KEY.matcher(arg.substring(0, eq)).matches()) {
                    throw new DriverModelException(Errno.EINVAL, file,
                            "'" + DriverModelException.quote(arg) + "' is not KEY=value (KEY of letters, digits, _)");
                }
                synth.put(Uevent.SYNTH_ARG_PREFIX + arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        sink.emitSynthetic(action, d, d.driver().orElse(null), synth);
    }

    private static Uevent action(String word, String file) {
        for (Uevent u : Uevent.values()) {
            if (u.name().toLowerCase(Locale.ROOT).equals(word)) {
                return u;
            }
        }
        throw new DriverModelException(Errno.EINVAL, file, "unknown action '" + DriverModelException.quote(word)
                + "': add, remove, bind, unbind or change");
    }
}
