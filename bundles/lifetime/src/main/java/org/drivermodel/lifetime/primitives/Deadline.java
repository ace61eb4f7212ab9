package org.drivermodel.lifetime.primitives;

import java.time.Duration;

/**
 * The budget of a bounded wait: the one conversion of a deadline ({@link Duration}) into the
 * nanoseconds that {@link System#nanoTime()} arithmetic works in, for every wait of the model
 * (a gate's drain, a reference's unregistration, an attribute removal, a block queue's kill).
 */
public final class Deadline {
    private Deadline() {
    }

    /**
     * Context: any thread; computes only.
     *
     * @param deadline how long a wait may take
     * @return it in nanoseconds, saturated: 0 if it is zero or negative (look, do not wait), and
     *         {@link Long#MAX_VALUE} if it is too long for a {@code long} (292 years: for ever).
     *         Compare it only with differences of {@code System.nanoTime()} readings
     *         ({@code budget - (now - start)}), which stay exact even for {@code MAX_VALUE}.
     */
    public static long nanos(Duration deadline) {
        if (deadline.isNegative()) {
            return 0;
        }
        try {
            return deadline.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
