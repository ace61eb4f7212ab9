package org.drivermodel.linux;

import java.time.Instant;
import java.util.Map;

/**
 * A uevent received from the kernel, and what the bus did with it.
 *
 * @param received  when it was read from the socket
 * @param action    {@code add}, {@code remove}, {@code move}, {@code change}, {@code bind}, ...
 * @param devpath   the device's path under {@code /sys}
 * @param variables every variable of the message ({@code ACTION}, {@code SEQNUM}, ...)
 * @param handling  what the bus did: {@code added net:eth0}, {@code not mirrored (subsystem queues)}, ...
 */
public record KernelEvent(Instant received, String action, String devpath, Map<String, String> variables, String handling) {
    public KernelEvent {
        variables = Map.copyOf(variables);
    }

    /** @return the event's subsystem, or the empty string */
    public String subsystem() {
        return variables.getOrDefault("SUBSYSTEM", "");
    }

    /** @return the kernel's sequence number, or -1 */
    public long seqnum() {
        try {
            return Long.parseLong(variables.getOrDefault("SEQNUM", "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @return the same event with what the bus did */
    public KernelEvent handled(String how) {
        return new KernelEvent(received, action, devpath, variables, how);
    }
}
