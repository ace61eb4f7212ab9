package org.drivermodel.lifetime.primitives;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link ActiveGate#kill}: drained, or the deadline passed and these threads are
 * still inside. Immutable. {@link #toString()} is meant for a log.
 *
 * <p>A report that did not drain holds the threads still inside strongly: log it, do not keep it.
 */
public final class DrainReport {

    /** Frames of each thread's stack printed by {@link #toString()}: enough to see the call
     *  into the owner from a blocking primitive, short enough for a log. */
    private static final int FRAMES_IN_LOG = 12;

    private final String gate;
    private final boolean drained;
    private final boolean initiator;
    private final Duration waited;
    private final List<Occupant> occupants;
    private final long unattributed;
    private final boolean ownerGiven;

    private DrainReport(String gate, boolean drained, boolean initiator, Duration waited,
            List<Occupant> occupants, long unattributed, boolean ownerGiven) {
        this.gate = gate;
        this.drained = drained;
        this.initiator = initiator;
        this.waited = waited;
        this.occupants = List.copyOf(occupants);
        this.unattributed = unattributed;
        this.ownerGiven = ownerGiven;
    }

    static DrainReport drained(String gate, boolean initiator, Duration waited) {
        return new DrainReport(gate, true, initiator, waited, List.of(), 0, false);
    }

    static DrainReport timedOut(String gate, boolean initiator, Duration waited,
            Map<Thread, Integer> entriesByThread, long unattributed, ClassLoader owner) {
        OwnerFrames frames = owner == null ? null : new OwnerFrames(owner);
        List<Occupant> occupants = new ArrayList<>(entriesByThread.size());
        entriesByThread.forEach((thread, entries) -> {
            List<StackTraceElement> stack = Arrays.asList(thread.getStackTrace());
            Optional<StackTraceElement> ownerFrame = frames == null ? Optional.empty() : frames.firstIn(stack);
            occupants.add(new Occupant(thread, entries, stack, ownerFrame));
        });
        return new DrainReport(gate, false, initiator, waited, occupants, unattributed, owner != null);
    }

    /** @return the name of the gate */
    public String gate() {
        return gate;
    }

    /** @return true if nobody is inside any more: the gate is {@link GateState#DEAD} */
    public boolean drained() {
        return drained;
    }

    /** @return true for the one kill call that moved the gate from live to dying */
    public boolean initiator() {
        return initiator;
    }

    /** @return how long the kill waited */
    public Duration waited() {
        return waited;
    }

    /** @return entries still inside when the deadline passed (0 when drained) */
    public long inside() {
        return unattributed + occupants.stream().mapToLong(Occupant::entries).sum();
    }

    /** @return the threads still inside, in no particular order; empty when drained */
    public List<Occupant> occupants() {
        return occupants;
    }

    /** @return entries still inside that could not be attributed to a thread (slot table full) */
    public long unattributed() {
        return unattributed;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("gate ").append(gate).append(": ");
        if (drained) {
            return sb.append("drained in ").append(millis(waited)).toString();
        }
        long inside = inside();
        sb.append("not drained, deadline passed after ").append(millis(waited)).append(": ")
          .append(inside).append(inside == 1 ? " entry" : " entries").append(" still inside");
        for (Occupant o : occupants) {
            sb.append("\n  \"").append(o.thread().getName()).append("\" (id ").append(o.thread().getId())
              .append(", ").append(o.thread().getState()).append("): ")
              .append(o.entries()).append(o.entries() == 1 ? " entry" : " entries");
            if (ownerGiven) {
                sb.append(o.ownerFrame().map(f -> ", in owner code at " + f)
                        .orElse(", no frame of owner code on its stack"));
            }
            int shown = Math.min(FRAMES_IN_LOG, o.stack().size());
            for (int i = 0; i < shown; i++) {
                sb.append("\n      at ").append(o.stack().get(i));
            }
            if (shown < o.stack().size()) {
                sb.append("\n      ... ").append(o.stack().size() - shown).append(" more");
            }
        }
        if (unattributed > 0) {
            sb.append("\n  ").append(unattributed).append(" more not attributed to a thread (slot table full)");
        }
        return sb.toString();
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    /**
     * A thread still inside a gate when its drain deadline passed.
     *
     * @param thread     the thread that entered
     * @param entries    how many of its entries (nested or not) are open
     * @param stack      its stack when the report was made, innermost frame first
     * @param ownerFrame the innermost frame of the owner's code (a class defined by the owner's
     *                   class loader), if an owner loader was given and such a frame exists
     */
    public record Occupant(Thread thread, int entries, List<StackTraceElement> stack,
            Optional<StackTraceElement> ownerFrame) {
        /** Validates and copies. */
        public Occupant {
            Objects.requireNonNull(thread, "thread");
            stack = List.copyOf(stack);
            Objects.requireNonNull(ownerFrame, "ownerFrame");
        }
    }
}
