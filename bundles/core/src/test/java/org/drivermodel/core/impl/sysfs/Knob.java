package org.drivermodel.core.impl.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.drivermodel.api.Attribute;
import org.drivermodel.api.AttributeGroup;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.function.Executable;

/** A test owner: a number with the usual attribute files, counting every call into it. */
final class Knob {
    final String name;
    volatile int value;                              /* the owner's state */
    final AtomicInteger shows = new AtomicInteger();
    final AtomicInteger stores = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();

    Knob(String name, int value) {
        this.name = name;
        this.value = value;
    }

    /** {@code value} (rw, 0..100, EINVAL otherwise), {@code name} (ro), {@code reset} (wo). */
    static AttributeGroup<Knob> files() {
        return new AttributeGroup<>(null, List.of(value(), nameFile(), reset()));
    }

    static Attribute<Knob> value() {
        return Attribute.<Knob>rw("value", k -> {
            k.shows.incrementAndGet();
            return k.value + "\n";
        }, (k, v, ctx) -> {
            k.stores.incrementAndGet();
            k.value = parse(ctx.path(), v); // validates before changing anything
        }).onRelease((k, file) -> k.releases.incrementAndGet());
    }

    static Attribute<Knob> nameFile() {
        return Attribute.ro("name", k -> {
            k.shows.incrementAndGet();
            return k.name + "\n";
        });
    }

    static Attribute<Knob> reset() {
        return Attribute.wo("reset", (k, v, ctx) -> {
            k.stores.incrementAndGet();
            k.value = 0;
        });
    }

    static int parse(String path, String v) {
        try {
            int n = Integer.parseInt(v.strip());
            if (n < 0 || n > 100) {
                throw new DriverModelException(Errno.EINVAL, path, "out of range 0..100: " + v.strip());
            }
            return n;
        } catch (NumberFormatException e) {
            throw new DriverModelException(Errno.EINVAL, path, "not a number: " + v.strip());
        }
    }

    /** Asserts that x fails with errno and returns the exception. */
    static DriverModelException fails(Errno errno, Executable x) {
        DriverModelException e = assertThrows(DriverModelException.class, x);
        assertEquals(errno, e.errno(), () -> "expected " + errno + ", got " + e.getMessage());
        return e;
    }
}
