package org.drivermodel.shell.impl;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.DriverCore;
import org.drivermodel.shell.ArgumentKind;
import org.drivermodel.shell.CommandService;
import org.drivermodel.shell.Completes;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code attr:cat}, {@code attr:write} and {@code attr:ls}: the attribute tree, as {@code /sys} in a shell. */
@Component(service = AttrCommands.class, property = {
        CommandService.SCOPE + "=attr",
        CommandService.FUNCTION + "=cat",
        CommandService.FUNCTION + "=write",
        CommandService.FUNCTION + "=ls" })
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
