package ${package};

/**
 * The state of one ${driver} device: its level, 0 to {@link #MAX_LEVEL}. One per binding, kept
 * as the device's driver data. Read and written by any thread (the attribute file's readers and
 * writers), hence volatile.
 */
final class Widget {
    /** The name of its one attribute file, in the device's directory while it is bound. */
    static final String ATTRIBUTE = "level";
    /** The greatest level. */
    static final long MAX_LEVEL = 100;

    private volatile long level;

    /** Puts the device in its initial state: level 0. */
    void reset() {
        level = 0;
    }

    long level() {
        return level;
    }

    /** @throws IllegalArgumentException outside 0..{@link #MAX_LEVEL} */
    void setLevel(long value) {
        if (value < 0 || value > MAX_LEVEL) {
            throw new IllegalArgumentException("level " + value + " is not 0 to " + MAX_LEVEL);
        }
        level = value;
    }
}
