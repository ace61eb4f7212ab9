package org.drivermodel.linux.impl;

import java.util.Map;

/** The names of the errno values a socket call may give, for messages: {@code EPERM (1)}. */
final class Errnos {
    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(1, "EPERM"), Map.entry(4, "EINTR"),
            Map.entry(9, "EBADF"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"),
            Map.entry(22, "EINVAL"), Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"), Map.entry(93, "EPROTONOSUPPORT"),
            Map.entry(97, "EAFNOSUPPORT"), Map.entry(105, "ENOBUFS"));

    private Errnos() {
    }

    static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno") + " (" + errno + ")";
    }
}
