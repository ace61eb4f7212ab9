package org.drivermodel.core.impl;

import org.drivermodel.api.DriverCore;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * Names the bundle whose code called into the core: the first frame on the caller's stack whose
 * class is neither the core's own nor the API's (the API bundle's default methods and helpers
 * call the core on their caller's behalf), as reports name bundles ({@code bundle N (bsn)}).
 * Used where an object the core handed to one bundle may be used by another (a driver passing
 * its reference or its binding on), so that a leak names who really holds it.
 *
 * <p>Concurrency: stateless; walks the calling thread's own stack.
 */
final class Callers {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final ClassLoader CORE = Callers.class.getClassLoader();
    private static final ClassLoader API = DriverCore.class.getClassLoader();

    private Callers() {
    }

    /** @return the calling bundle as reports name it, or null if no bundle's code is on the stack */
    static String bundle() {
        Class<?> caller = WALKER.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                .filter(c -> c.getClassLoader() != CORE && c.getClassLoader() != API && c.getClassLoader() != null)
                .findFirst().orElse(null));
        Bundle b = caller == null ? null : FrameworkUtil.getBundle(caller);
        return b == null ? null : "bundle " + b.getBundleId() + (b.getSymbolicName() == null ? "" : " (" + b.getSymbolicName() + ")");
    }
}
