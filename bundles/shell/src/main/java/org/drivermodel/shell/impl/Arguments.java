package org.drivermodel.shell.impl;

import java.util.Arrays;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * Wrong command arguments, answered as every other bad input is: one line, EINVAL, the command
 * named with its usage. Each command has a catch-all {@code (String...)} overload that the shell
 * picks when no other signature takes the arguments given (too few, too many, or of a type that
 * does not convert), and that throws this.
 */
final class Arguments {
    private Arguments() {
    }

    /** @return the error for {@code command} called with {@code args}, which its {@code usage} does not take */
    static DriverModelException wrong(String command, String usage, String[] args) {
        int n = args == null ? 0 : args.length;
        return new DriverModelException(Errno.EINVAL, command, "usage: " + command + (usage.isEmpty() ? "" : " " + usage)
                + "; got " + n + " argument" + (n == 1 ? "" : "s")
                + (n == 0 ? "" : " " + DriverModelException.quote(Arrays.toString(args))));
    }
}
