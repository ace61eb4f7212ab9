package org.drivermodel.lifetime.primitives;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The references of a {@link RefCounted} still held (or just reclaimed), grouped by holder, the
 * biggest holder first. Immutable. {@link #toString()} is meant for a log and prints, per
 * holder, each distinct stack where its references were taken (when tracking was on).
 */
public final class LeakReport {

    /** Distinct stacks printed per holder: the first few tell the story, the rest are counted. */
    private static final int STACKS_IN_LOG = 4;

    /** Frames printed per stack: deep enough to get from the get() to the holder's caller. */
    private static final int FRAMES_IN_LOG = 12;

    private final String object;
    private final int count;
    private final List<HolderLeak> holders;

    private LeakReport(String object, int count, List<HolderLeak> holders) {
        this.object = object;
        this.count = count;
        this.holders = List.copyOf(holders);
    }

    static LeakReport of(String object, int count, List<Ref> refs) {
        Map<String, List<Ref>> byHolder = new LinkedHashMap<>();
        for (Ref r : refs) {
            byHolder.computeIfAbsent(r.holder(), h -> new ArrayList<>()).add(r);
        }
        List<HolderLeak> holders = new ArrayList<>();
        byHolder.forEach((holder, rs) -> holders.add(new HolderLeak(holder, rs.size(),
                rs.stream().map(Ref::takenAt).flatMap(Optional::stream).collect(Collectors.toList()))));
        holders.sort(Comparator.comparingInt(HolderLeak::count).reversed().thenComparing(HolderLeak::holder));
        return new LeakReport(object, Math.max(count, refs.size()), holders);
    }

    /** @return the name of the object */
    public String object() {
        return object;
    }

    /** @return true if no reference is held */
    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * @return the references held (the authoritative count, which may exceed the sum over
     *         holders by references being taken at the moment of the report)
     */
    public int count() {
        return count;
    }

    /** @return the holders, the biggest first */
    public List<HolderLeak> holders() {
        return holders;
    }

    /**
     * @param holder a holder name
     * @return how many references that holder holds here (0 if none)
     */
    public int countOf(String holder) {
        return holders.stream().filter(h -> h.holder().equals(holder)).mapToInt(HolderLeak::count).sum();
    }

    /** @return one line naming the holders: {@code "block0" x2, "shell" x1} */
    public String summary() {
        if (holders.isEmpty()) {
            return "nobody";
        }
        return holders.stream().map(h -> "\"" + h.holder() + "\" x" + h.count()).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return object + ": no references held";
        }
        StringBuilder sb = new StringBuilder(object).append(": ").append(count)
                .append(count == 1 ? " reference" : " references").append(" held");
        for (HolderLeak h : holders) {
            sb.append("\n  \"").append(h.holder()).append("\" holds ").append(h.count());
            if (h.takenAt().isEmpty()) {
                sb.append(" (stacks not recorded: tracking off)");
                continue;
            }
            Map<List<StackTraceElement>, Integer> byStack = new LinkedHashMap<>();
            for (Throwable t : h.takenAt()) {
                byStack.merge(Arrays.asList(t.getStackTrace()), 1, Integer::sum);
            }
            int shown = 0;
            for (Map.Entry<List<StackTraceElement>, Integer> e : byStack.entrySet()) {
                if (shown++ == STACKS_IN_LOG) {
                    sb.append("\n    ... ").append(byStack.size() - STACKS_IN_LOG).append(" more distinct stacks");
                    break;
                }
                sb.append("\n    ").append(e.getValue()).append(" taken at:");
                List<StackTraceElement> frames = e.getKey();
                for (int i = 0; i < Math.min(FRAMES_IN_LOG, frames.size()); i++) {
                    sb.append("\n      at ").append(frames.get(i));
                }
            }
        }
        return sb.toString();
    }

    /**
     * The references one holder holds.
     *
     * @param holder  the holder's name
     * @param count   how many references it holds
     * @param takenAt where each was taken, for those taken while tracking was on
     */
    public record HolderLeak(String holder, int count, List<Throwable> takenAt) {
        /** Validates and copies. */
        public HolderLeak {
            Objects.requireNonNull(holder, "holder");
            takenAt = List.copyOf(takenAt);
        }
    }
}
