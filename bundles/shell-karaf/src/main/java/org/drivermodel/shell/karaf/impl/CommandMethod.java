package org.drivermodel.shell.karaf.impl;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.drivermodel.shell.ArgumentKind;
import org.drivermodel.shell.Completes;

/**
 * One public method of a command object, read as Gogo reads it: a {@code CommandSession}
 * parameter is the session, given; parameters with Gogo's {@code @Parameter} are options (a flag,
 * present or absent, or, without a present value, an option followed by its value); the others
 * are positional, the last one may be varargs; {@code @Descriptor} describes the method and each
 * parameter, and {@link Completes} says what a positional parameter names. Immutable.
 */
final class CommandMethod {

    /**
     * An option: {@code -f}/{@code --force}, its value when present (null: it takes the next word
     * as its value, as {@code -t 30}) and when absent.
     */
    record Option(int index, List<String> names, String present, String absent, Class<?> type, String name, String description) {
        boolean takesValue() {
            return present == null;
        }
    }

    /** A positional parameter. */
    record Positional(int index, String name, Class<?> type, boolean varargs, String description,
            Optional<ArgumentKind> kind) {
    }

    final Method method;
    final String description; // "" when the method has none
    final List<Option> options;
    final List<Positional> positionals;
    private final List<Integer> sessions; // the indexes of the CommandSession parameters

    private CommandMethod(Method method) {
        this.method = method;
        Descriptor d = method.getAnnotation(Descriptor.class);
        this.description = d == null ? "" : d.value();
        List<Option> opts = new ArrayList<>();
        List<Positional> pos = new ArrayList<>();
        List<Integer> sess = new ArrayList<>();
        Parameter[] params = method.getParameters();
        for (int i = 0; i < params.length; i++) {
            Parameter p = params[i];
            Descriptor pd = p.getAnnotation(Descriptor.class);
            String text = pd == null ? "" : pd.value();
            org.apache.felix.service.command.Parameter flag = p.getAnnotation(org.apache.felix.service.command.Parameter.class);
            if (p.getType() == CommandSession.class) {
                sess.add(i);
            } else if (flag != null) {
                String present = org.apache.felix.service.command.Parameter.UNSPECIFIED.equals(flag.presentValue()) ? null : flag.presentValue();
                opts.add(new Option(i, List.of(flag.names()), present, flag.absentValue(), p.getType(), p.getName(), text));
            } else {
                Completes c = p.getAnnotation(Completes.class);
                pos.add(new Positional(i, p.getName(), p.getType(), method.isVarArgs() && i == params.length - 1, text,
                        Optional.ofNullable(c).map(Completes::value)));
            }
        }
        this.options = List.copyOf(opts);
        this.positionals = List.copyOf(pos);
        this.sessions = List.copyOf(sess);
    }

    /** @return the public methods of {@code type} named {@code function}, in a stable order */
    static List<CommandMethod> of(Class<?> type, String function) {
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(function) && !Modifier.isStatic(m.getModifiers()))
                .sorted((a, b) -> a.toGenericString().compareTo(b.toGenericString()))
                .map(CommandMethod::new).toList();
    }

    /**
     * @return whether this is the command's catch-all: one undescribed {@code String...}, called
     *         with the raw arguments when no other method takes them
     */
    boolean catchAll() {
        return positionals.size() == 1 && options.isEmpty() && positionals.get(0).varargs()
                && positionals.get(0).type() == String[].class && positionals.get(0).description().isEmpty();
    }

    /** @return the option that {@code word} names, if any */
    Optional<Option> option(String word) {
        return options.stream().filter(o -> o.names().contains(word)).findFirst();
    }

    /** @return e.g. {@code [-f] <driver>} or {@code <device> [<reason>...]} */
    String usage() {
        StringBuilder b = new StringBuilder();
        for (Option o : options) {
            b.append(b.isEmpty() ? "" : " ").append('[').append(o.names().get(0)).append(o.takesValue() ? " <" + o.name() + ">" : "").append(']');
        }
        for (Positional p : positionals) {
            b.append(b.isEmpty() ? "" : " ").append(p.varargs() ? "[<" + p.name() + ">...]" : "<" + p.name() + ">");
        }
        return b.toString();
    }

    /**
     * Binds the words of a command line to this method's parameters, as Gogo would.
     *
     * @param words   the arguments after the command name, as text
     * @param session the Gogo session, for a {@code CommandSession} parameter
     * @return the values to call with, or empty if this method does not take these words (too
     *         few, too many, an unknown option, an option without its value, or a word that does
     *         not convert)
     */
    Optional<Object[]> bind(List<String> words, CommandSession session) {
        Object[] values = new Object[method.getParameterCount()];
        sessions.forEach(i -> values[i] = session);
        List<String> rest = new ArrayList<>();
        boolean endOfOptions = false;
        try {
            for (Option o : options) {
                values[o.index()] = convert(o.absent(), o.type());
            }
        } catch (IllegalArgumentException notADefault) {
            return Optional.empty();
        }
        for (int at = 0; at < words.size(); at++) {
            String w = words.get(at);
            Optional<Option> o = endOfOptions ? Optional.empty() : option(w);
            if (o.isPresent()) {
                String value = o.get().takesValue() ? (++at < words.size() ? words.get(at) : null) : o.get().present();
                try {
                    if (value == null) {
                        return Optional.empty(); // an option without its value
                    }
                    values[o.get().index()] = convert(value, o.get().type());
                } catch (IllegalArgumentException doesNotConvert) {
                    return Optional.empty();
                }
            } else if (!endOfOptions && w.equals("--")) {
                endOfOptions = true;
            } else if (!endOfOptions && w.startsWith("-") && w.length() > 1 && !isNumber(w) && !options.isEmpty()) {
                return Optional.empty(); // an option this method does not have
            } else {
                rest.add(w);
            }
        }
        int fixed = positionals.size() - (hasVarargs() ? 1 : 0);
        if (rest.size() < fixed || !hasVarargs() && rest.size() > fixed) {
            return Optional.empty();
        }
        try {
            for (int i = 0; i < fixed; i++) {
                Positional p = positionals.get(i);
                values[p.index()] = convert(rest.get(i), p.type());
            }
            if (hasVarargs()) {
                Positional p = positionals.get(positionals.size() - 1);
                Class<?> component = p.type().getComponentType();
                Object array = Array.newInstance(component, rest.size() - fixed);
                for (int i = fixed; i < rest.size(); i++) {
                    Array.set(array, i - fixed, convert(rest.get(i), component));
                }
                values[p.index()] = array;
            }
        } catch (IllegalArgumentException doesNotConvert) {
            return Optional.empty();
        }
        return Optional.of(values);
    }

    private boolean hasVarargs() {
        return !positionals.isEmpty() && positionals.get(positionals.size() - 1).varargs();
    }

    private static boolean isNumber(String w) {
        try {
            Long.parseLong(w);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** @throws IllegalArgumentException if {@code word} is not a {@code type} (NumberFormatException is one) */
    private static Object convert(String word, Class<?> type) {
        if (type == String.class) {
            return word;
        } else if (type == int.class || type == Integer.class) {
            return Integer.parseInt(word);
        } else if (type == long.class || type == Long.class) {
            return Long.parseLong(word);
        } else if (type == boolean.class || type == Boolean.class) {
            if (!word.equals("true") && !word.equals("false")) {
                throw new IllegalArgumentException(word);
            }
            return Boolean.valueOf(word);
        }
        throw new IllegalArgumentException("a parameter of type " + type.getName() + " is not supported");
    }
}
