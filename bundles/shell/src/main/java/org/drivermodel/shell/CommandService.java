package org.drivermodel.shell;

/**
 * The service properties of a command object: as Gogo's {@code osgi.command.scope} and
 * {@code osgi.command.function}, under names of our own so that only the shell decides where
 * they are published (Gogo, or Karaf's console, never both).
 *
 * <p>Each function is one or more public methods of the object with that name. A method whose
 * only parameter is a {@code String...} without a description is the command's catch-all: it is
 * called with the raw arguments when no other method takes them, and answers EINVAL with the
 * usage.
 */
public final class CommandService {
    /** the service property naming the command scope, e.g. {@code device} */
    public static final String SCOPE = "drivermodel.command.scope";
    /** the service property naming the functions, e.g. {@code list}, {@code info} */
    public static final String FUNCTION = "drivermodel.command.function";

    private CommandService() {
    }
}
