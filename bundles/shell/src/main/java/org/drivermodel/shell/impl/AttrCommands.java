package org.drivermodel.shell.impl;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drivermodel.api.AccessMode;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.shell.ArgumentKind;
import org.drivermodel.shell.CommandService;
import org.drivermodel.shell.Completes;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code attr:cat}, {@code attr:write}, {@code attr:ls} and {@code attr:watch}: the attribute
 * tree, as {@code /sys} in a shell.
 */
@Component(service = AttrCommands.class, property = {
        CommandService.SCOPE + "=attr",
        CommandService.FUNCTION + "=cat",
        CommandService.FUNCTION + "=write",
        CommandService.FUNCTION + "=ls",
        CommandService.FUNCTION + "=watch" })
public final class AttrCommands {

    @Reference
    private DriverCore core;

    /**
     * @param path an attribute file
     * @return its value
     */
    @Descriptor("print an attribute file, e.g. attr:cat /bus/vbus/devices/1209:0001.1/brightness")
    public String cat(@Descriptor("the file's path") @Completes(ArgumentKind.ATTRIBUTE_PATH) String path) {
        try (AttributeFile f = core.open(path)) {
            String value = f.read();
            return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        }
    }

    /**
     * @param path  an attribute file
     * @param value what to write
     * @return a confirmation
     */
    @Descriptor("write a value to an attribute file, e.g. attr:write /devices/vbus/1209:0001.1/brightness 128")
    public String write(@Descriptor("the file's path") @Completes(ArgumentKind.ATTRIBUTE_PATH) String path, @Descriptor("the value") String value) {
        try (AttributeFile f = core.open(path)) {
            f.write(value + "\n");
        }
        return "wrote " + value + " to " + path;
    }

    /**
     * @param path a directory
     * @return its entries, one a line
     */
    @Descriptor("list a directory of the attribute tree, e.g. attr:ls /bus/vbus")
    public String ls(@Descriptor("the directory's path") @Completes(ArgumentKind.ATTRIBUTE_PATH) String path) {
        List<String> names = core.list(path);
        return names.isEmpty() ? "" : String.join("\n", names) + "\n";
    }

    /** The most changes one {@code attr:watch} waits for. */
    static final int MAX_WATCH_COUNT = 1000;
    /** How long {@code attr:watch} waits for each change unless told: a minute. */
    static final String DEFAULT_WATCH_SECONDS = "60";

    /**
     * Prints the next {@code count} values of a file, each as its owner announces a change (as
     * a program blocked in {@code poll(2)} on a sysfs file, then reading it again), to the
     * session's console as they come. Bounded: each change must come within the timeout
     * (ETIMEDOUT naming the file otherwise); an interrupt (Ctrl-C) ends it with EINTR, the
     * file's removal with ENODEV.
     *
     * @param session the shell session, whose console gets the values
     * @param seconds how long to wait for each change, 1 to 3600
     * @param path    a readable attribute file
     * @param count   how many changes, 1 to {@value #MAX_WATCH_COUNT}
     */
    @Descriptor("print the next values of an attribute file as its driver announces changes, e.g."
            + " attr:watch /bus/platform/devices/thermal0/temp1_input 3; ETIMEDOUT if a change does not come in time")
    public void watch(CommandSession session,
            @Descriptor("seconds to wait for each change (1 to 3600, default 60)")
            @Parameter(names = { "-t", "--timeout" }, absentValue = DEFAULT_WATCH_SECONDS) int seconds,
            @Descriptor("the file's path") @Completes(ArgumentKind.ATTRIBUTE_PATH) String path,
            @Descriptor("how many changes to print (1 to 1000)") int count) {
        if (count < 1 || count > MAX_WATCH_COUNT) {
            throw new DriverModelException(Errno.EINVAL, "attr:watch", "count must be 1 to " + MAX_WATCH_COUNT + ", is " + count);
        }
        if (seconds < 1 || seconds > 3600) {
            throw new DriverModelException(Errno.EINVAL, "attr:watch", "timeout must be 1 to 3600 seconds, is " + seconds);
        }
        PrintStream out = session.getConsole();
        try (AttributeFile f = core.open(path, AccessMode.READ)) {
            f.read(); // the value changes are counted from
            for (int i = 0; i < count; i++) {
                if (!f.awaitChange(Duration.ofSeconds(seconds))) {
                    throw new DriverModelException(Errno.ETIMEDOUT, f.path(), "no change announced within " + seconds + " s");
                }
                String value = f.read();
                out.print(value.endsWith("\n") ? value : value + "\n");
                out.flush();
            }
        }
    }

    /**
     * {@code attr:watch} of one change.
     *
     * @param session the shell session
     * @param seconds how long to wait
     * @param path    a readable attribute file
     */
    @Descriptor("print the next value of an attribute file when its driver announces a change")
    public void watch(CommandSession session,
            @Descriptor("seconds to wait for the change (1 to 3600, default 60)")
            @Parameter(names = { "-t", "--timeout" }, absentValue = DEFAULT_WATCH_SECONDS) int seconds,
            @Descriptor("the file's path") @Completes(ArgumentKind.ATTRIBUTE_PATH) String path) {
        watch(session, seconds, path, 1);
    }

    /** @param args what {@code watch} was given, if not a path and a count. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String watch(String... args) {
        throw Arguments.wrong("attr:watch", "[-t seconds] <path> [count]", args);
    }

    /** @param args what {@code cat} was given, if not one path. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String cat(String... args) {
        throw Arguments.wrong("attr:cat", "<path>", args);
    }

    /** @param args what {@code write} was given, if not a path and a value. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String write(String... args) {
        throw Arguments.wrong("attr:write", "<path> <value>", args);
    }

    /** @param args what {@code ls} was given, if not one path. @return never: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public String ls(String... args) {
        throw Arguments.wrong("attr:ls", "<directory>", args);
    }
}
