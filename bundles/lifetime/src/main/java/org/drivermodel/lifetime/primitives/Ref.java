package org.drivermodel.lifetime.primitives;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * One counted reference to a {@link RefCounted}, taken by a named holder with
 * {@link RefCounted#get(String)}. The holder owns it and must {@link #put()} it exactly once.
 *
 * <p>Thread-safety: all methods may be called from any thread; of two racing puts exactly one
 * counts and the other is reported as a double put.
 */
public final class Ref {

    /** {@link #end} after a put when tracking was off. */
    private static final Object PUT_UNTRACKED = new Object();
    /** {@link #end} after {@link RefCounted#reclaim()} dropped the reference for its holder. */
    private static final Object RECLAIMED = new Object();

    private static final VarHandle END;

    static {
        try {
            END = MethodHandles.lookup().findVarHandle(Ref.class, "end", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RefCounted target;
    private final String holder;
    private final RecordedStack takenAt; // null unless tracking was on at get

    private volatile Object end; /* null while held; set once (CAS via END) to the first put's
                                    RecordedStack, PUT_UNTRACKED or RECLAIMED */

    Ref(RefCounted target, String holder, RecordedStack takenAt) {
        this.target = target;
        this.holder = holder;
        this.takenAt = takenAt;
    }

    /** @return the object referred to; using it still requires {@link #check()} */
    public RefCounted target() {
        return target;
    }

    /** @return the holder named at get */
    public String holder() {
        return holder;
    }

    /** @return where the reference was taken, if tracking was on */
    public Optional<Throwable> takenAt() {
        return Optional.ofNullable(takenAt);
    }

    /** @return true until put or reclaimed */
    public boolean isHeld() {
        return end == null;
    }

    /**
     * Checks that the object may still be used through this reference.
     *
     * @throws DriverModelException {@code ENODEV} if the object was revoked or released or this
     *         reference was reclaimed; {@code EINVAL} if the holder already put it
     */
    public void check() {
        Object e = end;
        if (e == RECLAIMED) {
            throw new DriverModelException(Errno.ENODEV, target.name(), "was removed");
        }
        if (e != null) {
            throw new DriverModelException(Errno.EINVAL, target.name(),
                    "reference of \"" + holder + "\" used after put");
        }
        target.checkLive();
    }

    /**
     * Drops the reference. The put that drops the count to zero runs the release callback, in
     * the calling thread (any exception it throws propagates from here).
     *
     * <p>A put after {@link RefCounted#reclaim()} dropped the reference is accepted silently.
     *
     * @throws DriverModelException {@code EINVAL} on a double put, with the first put's stack
     *         as the cause (when tracking was on), this put's as its own stack, and where the
     *         reference was taken as a suppressed exception; the count is not changed
     */
    public void put() {
        RecordedStack here = takenAt == null ? null
                : new RecordedStack("first put of the reference held by \"" + holder + "\"");
        if (END.compareAndSet(this, null, here == null ? PUT_UNTRACKED : here)) {
            target.drop(this);
            return;
        }
        Object first = end;
        if (first == RECLAIMED) {
            return;
        }
        DriverModelException x = new DriverModelException(Errno.EINVAL, target.name(),
                "double put of the reference held by \"" + holder + "\""
                        + (first instanceof RecordedStack ? " (first put: see cause)" : " (first put not recorded: tracking off)"),
                first instanceof RecordedStack ? (RecordedStack) first : null);
        if (takenAt != null) {
            x.addSuppressed(takenAt);
        }
        throw x;
    }

    /** Marks the reference reclaimed for its holder; true for the one call that did. */
    boolean reclaim() {
        return END.compareAndSet(this, null, RECLAIMED);
    }

    @Override
    public String toString() {
        return "Ref[" + target.name() + " held by \"" + holder + "\"" + (isHeld() ? "" : ", put") + "]";
    }
}
