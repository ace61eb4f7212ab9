package org.drivermodel.lifetime.primitives;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds, in another thread's stack, the first frame of code loaded by a given class loader
 * (the owner's: a driver bundle's loader). Only class names are known for another thread's
 * frames, so a frame is the owner's when the name of its class loader equals the owner's name
 * (both may be unnamed) and the class name, resolved through the owner loader without
 * initialization, gives a class defined by the owner loader itself.
 *
 * <p>Not thread-safe: one instance serves one report.
 */
public final class OwnerFrames {

    private final ClassLoader owner;
    private final Map<String, Boolean> verdicts = new HashMap<>(); /* confined to the reporting thread */

    /** @param owner the owner's class loader (a driver bundle's) */
    public OwnerFrames(ClassLoader owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /**
     * @param stack a stack, innermost frame first
     * @return its innermost frame of the owner's code, if any
     */
    public Optional<StackTraceElement> firstIn(List<StackTraceElement> stack) {
        for (StackTraceElement frame : stack) {
            if (isOwners(frame)) {
                return Optional.of(frame);
            }
        }
        return Optional.empty();
    }

    private boolean isOwners(StackTraceElement frame) {
        if (!Objects.equals(frame.getClassLoaderName(), owner.getName())) {
            return false;
        }
        return verdicts.computeIfAbsent(frame.getClassName(), this::definedByOwner);
    }

    private boolean definedByOwner(String className) {
        try {
            return Class.forName(className, false, owner).getClassLoader() == owner;
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return false; // hidden classes (lambdas), classes the owner cannot see
        }
    }
}
