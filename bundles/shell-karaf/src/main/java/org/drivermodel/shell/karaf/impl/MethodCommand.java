package org.drivermodel.shell.karaf.impl;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.felix.service.command.CommandSession;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Parser;
import org.apache.karaf.shell.api.console.Session;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * One function of a command object ({@code device:info}) as a command of Karaf's console: it
 * runs the method that takes the words given (as Gogo would), answers {@code --help} in Karaf's
 * layout, and completes its arguments with the names that exist ({@link ArgumentCompleter}).
 *
 * <p>Immutable; {@link #execute} may run on many session threads at once, as the command
 * object's methods may.
 */
final class MethodCommand implements Command {
    static final List<String> HELP = List.of("--help", "-h");
    /** Where Karaf keeps the Gogo session under its own (as Karaf's wrapper of Gogo commands takes it) */
    static final String GOGO_SESSION = ".commandSession";

    private final String scope;
    private final String name;
    private final Object target;
    private final List<CommandMethod> methods; // those a command line can bind to, the first one documented
    private final Optional<CommandMethod> catchAll;
    private final Names names;

    MethodCommand(String scope, String name, Object target, Names names) {
        List<CommandMethod> all = CommandMethod.of(target.getClass(), name);
        if (all.isEmpty()) {
            throw new IllegalArgumentException(target.getClass().getName() + " has no public method " + name);
        }
        this.scope = scope;
        this.name = name;
        this.target = target;
        this.methods = all.stream().filter(m -> !m.catchAll()).toList();
        this.catchAll = all.stream().filter(CommandMethod::catchAll).findFirst();
        this.names = names;
    }

    @Override
    public String getScope() {
        return scope;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getDescription() {
        return documented().map(m -> m.description).orElse(name);
    }

    /** @return the method whose parameters the help and the completion describe: the one that takes the most */
    Optional<CommandMethod> documented() {
        return methods.stream().max(java.util.Comparator.comparingInt((CommandMethod m) -> m.positionals.size())
                .thenComparingInt(m -> m.options.size()));
    }

    @Override
    public Completer getCompleter(boolean scoped) {
        return new ArgumentCompleter(this, scoped, names);
    }

    @Override
    public Parser getParser() {
        return null; // Karaf's own
    }

    @Override
    public Object execute(Session session, List<Object> arguments) throws Exception {
        List<String> words = new ArrayList<>();
        for (Object a : arguments) {
            words.add(String.valueOf(a));
        }
        if (words.size() == 1 && HELP.contains(words.get(0))) {
            printHelp(session.getConsole());
            return null;
        }
        CommandSession gogo = session == null ? null : (CommandSession) session.get(GOGO_SESSION);
        for (CommandMethod m : methods) {
            Optional<Object[]> values = m.bind(words, gogo);
            if (values.isPresent()) {
                return call(m, values.get());
            }
        }
        if (catchAll.isPresent()) {
            return call(catchAll.get(), new Object[] {words.toArray(String[]::new)});
        }
        throw new DriverModelException(Errno.EINVAL, scope + ":" + name, "usage: " + scope + ":" + name
                + documented().map(m -> m.usage().isEmpty() ? "" : " " + m.usage()).orElse("")
                + "; got " + words.size() + " argument" + (words.size() == 1 ? "" : "s")
                + (words.isEmpty() ? "" : " " + DriverModelException.quote(words.toString())));
    }

    private Object call(CommandMethod m, Object[] values) throws Exception {
        try {
            return m.method.invoke(target, values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            } else if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Prints help as Karaf prints an action's: DESCRIPTION, SYNTAX, ARGUMENTS, OPTIONS. */
    void printHelp(PrintStream out) {
        out.print(help());
        out.flush();
    }

    String help() {
        String full = scope + ":" + name;
        StringBuilder b = new StringBuilder();
        b.append("DESCRIPTION\n        ").append(full).append("\n\n\t").append(getDescription()).append("\n\n");
        CommandMethod m = documented().orElse(null);
        b.append("SYNTAX\n        ").append(full);
        if (m != null && !m.options.isEmpty()) {
            b.append(" [options]");
        }
        if (m != null) {
            for (CommandMethod.Positional p : m.positionals) {
                b.append(' ').append(p.varargs() ? "[" + p.name() + "...]" : p.name());
            }
        }
        b.append("\n\n");
        if (m != null && !m.positionals.isEmpty()) {
            b.append("ARGUMENTS\n");
            for (CommandMethod.Positional p : m.positionals) {
                b.append("        ").append(p.name()).append("\n                ").append(p.description()).append('\n');
            }
            b.append('\n');
        }
        b.append("OPTIONS\n");
        if (m != null) {
            for (CommandMethod.Option o : m.options) {
                b.append("        ").append(String.join(", ", o.names())).append(o.takesValue() ? " <" + o.name() + ">" : "")
                        .append("\n                ").append(o.description()).append('\n');
            }
        }
        b.append("        --help\n                Display this help message\n\n");
        return b.toString();
    }
}
