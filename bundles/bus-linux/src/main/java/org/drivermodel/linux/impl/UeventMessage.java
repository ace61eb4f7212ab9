package org.drivermodel.linux.impl;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.drivermodel.linux.KernelEvent;

/**
 * Reads one message of the kernel's uevent socket: {@code action@devpath}, then
 * {@code KEY=value} strings, each ended by a NUL (Linux {@code lib/kobject_uevent.c}). A message
 * of udev's ({@code libudev} magic) or one without its header is not the kernel's and is skipped.
 */
final class UeventMessage {
    private UeventMessage() {
    }

    /**
     * @param buffer   the bytes received
     * @param length   how many of them
     * @param received when
     * @return the event, or empty if the message is not a kernel uevent
     */
    static Optional<KernelEvent> parse(byte[] buffer, int length, Instant received) {
        Map<String, String> variables = new LinkedHashMap<>();
        String header = null;
        int start = 0;
        for (int i = 0; i <= length; i++) {
            if (i == length || buffer[i] == 0) {
                if (i > start) {
                    String part = new String(buffer, start, i - start, StandardCharsets.UTF_8);
                    if (header == null) {
                        header = part;
                    } else {
                        int eq = part.indexOf('=');
                        if (eq > 0) {
                            variables.put(part.substring(0, eq), part.substring(eq + 1));
                        }
                    }
                }
                start = i + 1;
            }
        }
        if (header == null) {
            return Optional.empty();
        }
        int at = header.indexOf('@');
        if (at <= 0 || at == header.length() - 1 || header.charAt(at + 1) != '/') {
            return Optional.empty(); // "libudev" and anything else that is not action@/devpath
        }
        String action = variables.getOrDefault("ACTION", header.substring(0, at));
        String devpath = variables.getOrDefault("DEVPATH", header.substring(at + 1));
        return Optional.of(new KernelEvent(received, action, devpath, variables, ""));
    }
}
