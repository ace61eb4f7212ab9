package org.drivermodel.lifetime.primitives;

import java.util.Arrays;

/**
 * A stack recorded for diagnosis (where a reference was taken or put), not an error. Starts at
 * the caller of {@link RefCounted#get} or {@link Ref#put}: the frames of those two are dropped.
 */
final class RecordedStack extends Throwable {
    private static final long serialVersionUID = 1L;

    RecordedStack(String what) {
        super(what, null, false, true);
        StackTraceElement[] frames = getStackTrace();
        int first = 0;
        while (first < frames.length && isOurs(frames[first])) {
            first++;
        }
        setStackTrace(Arrays.copyOfRange(frames, first, frames.length));
    }

    private static boolean isOurs(StackTraceElement frame) {
        String c = frame.getClassName();
        return c.equals(RecordedStack.class.getName()) || c.equals(RefCounted.class.getName()) || c.equals(Ref.class.getName());
    }
}
