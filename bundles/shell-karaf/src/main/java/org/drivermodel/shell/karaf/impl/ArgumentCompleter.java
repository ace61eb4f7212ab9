package org.drivermodel.shell.karaf.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.console.Candidate;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.drivermodel.shell.ArgumentKind;

/**
 * Completes one command's line in Karaf's console, as Karaf completes its own actions: the
 * command's name while the cursor is on the first word; after it, the options, then for each
 * positional parameter the names of what it names ({@link Names}), each candidate starting with
 * what was typed so far.
 *
 * <p>Karaf asks every command's completer about every line, so a line whose first word is not
 * this command gets nothing. Stateless apart from its command; never throws.
 */
final class ArgumentCompleter implements Completer {
    private final MethodCommand command;
    private final boolean scoped;
    private final Names names;

    ArgumentCompleter(MethodCommand command, boolean scoped, Names names) {
        this.command = command;
        this.scoped = scoped;
        this.names = names;
    }

    @Override
    public int complete(Session session, CommandLine line, List<String> candidates) {
        List<Candidate> found = new ArrayList<>();
        completeCandidates(session, line, found);
        found.forEach(c -> candidates.add(c.value()));
        return found.isEmpty() ? -1 : line.getBufferPosition() - line.getArgumentPosition();
    }

    @Override
    public void completeCandidates(Session session, CommandLine line, List<Candidate> candidates) {
        String[] words = line.getArguments();
        int cursor = line.getCursorArgumentIndex();
        if (cursor < 0 || words.length == 0) {
            return;
        }
        String typed = cursor < words.length ? prefix(line, words[cursor]) : "";
        String full = command.getScope() + ":" + command.getName();
        if (cursor == 0) {
            for (String n : scoped ? List.of(command.getName()) : List.of(full, command.getName())) {
                if (n.startsWith(typed)) {
                    candidates.add(new Candidate(n, n, null, command.getDescription(), null, null, true));
                }
            }
            return;
        }
        if (!words[0].equals(full) && !(words[0].equals(command.getName()) && full.equals(resolve(session, words[0])))) {
            return;
        }
        Optional<CommandMethod> method = command.documented();
        if (method.isEmpty()) {
            return;
        }
        List<String> before = new ArrayList<>();
        int position = 0; // the positional index of the word under the cursor
        for (int i = 1; i < cursor; i++) {
            before.add(words[i]);
            Optional<CommandMethod.Option> o = method.get().option(words[i]);
            if (o.isEmpty()) {
                position++;
            } else if (o.get().takesValue()) {
                if (++i == cursor) {
                    return; // the cursor is on an option's value: nothing to offer
                }
                before.add(words[i]);
            }
        }
        if (typed.startsWith("-")) {
            for (CommandMethod.Option o : method.get().options) {
                for (String n : o.names()) {
                    if (n.startsWith(typed)) {
                        candidates.add(new Candidate(n, n, null, o.description(), null, null, true));
                    }
                }
            }
            for (String h : MethodCommand.HELP) {
                if (h.startsWith(typed) && cursor == 1) {
                    candidates.add(new Candidate(h, h, null, "Display this help message", null, null, true));
                }
            }
            return;
        }
        List<CommandMethod.Positional> positionals = method.get().positionals;
        if (positionals.isEmpty()) {
            return;
        }
        CommandMethod.Positional p = positionals.get(Math.min(position, positionals.size() - 1));
        if (position >= positionals.size() && !p.varargs()) {
            return;
        }
        Optional<ArgumentKind> kind = p.kind();
        if (kind.isPresent()) {
            for (Names.Name n : names.complete(kind.get(), typed, before)) {
                candidates.add(new Candidate(n.value(), n.value(), null, null, null, null, n.complete()));
            }
        }
    }

    /** @return the part of the word under the cursor before the cursor */
    private static String prefix(CommandLine line, String word) {
        int at = line.getArgumentPosition();
        return at >= 0 && at <= word.length() ? word.substring(0, at) : word;
    }

    private static String resolve(Session session, String word) {
        try {
            return session == null ? null : session.resolveCommand(word);
        } catch (RuntimeException unknown) {
            return null;
        }
    }
}
