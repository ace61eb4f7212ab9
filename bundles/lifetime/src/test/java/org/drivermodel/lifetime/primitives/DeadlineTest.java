package org.drivermodel.lifetime.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The one conversion of a deadline into a wait's budget. */
class DeadlineTest {

    @Test
    void aDeadlineIsItsNanoseconds() {
        assertEquals(1L, Deadline.nanos(Duration.ofNanos(1)));
        assertEquals(1_500_000_000L, Deadline.nanos(Duration.ofMillis(1500)));
        assertEquals(Long.MAX_VALUE, Deadline.nanos(Duration.ofNanos(Long.MAX_VALUE)), "the largest that fits, exactly");
    }

    @Test
    void zeroAndNegativeDeadlinesMeanLookDoNotWait() {
        assertEquals(0L, Deadline.nanos(Duration.ZERO));
        assertEquals(0L, Deadline.nanos(Duration.ofNanos(-1)));
        assertEquals(0L, Deadline.nanos(Duration.ofSeconds(-5)));
        assertEquals(0L, Deadline.nanos(Duration.ofSeconds(Long.MIN_VALUE)), "too negative for a long: still zero");
    }

    @Test
    void aDeadlineTooLongForALongSaturates() {
        assertEquals(Long.MAX_VALUE, Deadline.nanos(Duration.ofNanos(Long.MAX_VALUE).plusNanos(1)));
        assertEquals(Long.MAX_VALUE, Deadline.nanos(Duration.ofSeconds(Long.MAX_VALUE)));
        long start = System.nanoTime();
        assertTrue(Deadline.nanos(Duration.ofDays(365L * 1000)) - (System.nanoTime() - start) > 0,
                "a saturated budget minus the time elapsed is still left over");
    }

    @Test
    void aNullDeadlineIsRefused() {
        assertThrows(NullPointerException.class, () -> Deadline.nanos(null));
    }
}
