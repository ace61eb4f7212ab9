package org.drivermodel.lifetime.primitives;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds, in a thread's stack, the frames of an owner's code (a driver bundle's): the one place
 * that decides whether a frame is the owner's, for the drain reports, the hung-callback reports,
 * the scan of a stopped bundle's threads and the test kit's unload proof. Another thread's frames
 * give only class names, so a class name is judged, in one of two ways:
 * <ul>
 * <li>by the owner's class loader ({@link #OwnerFrames(ClassLoader)}): the frame's class loader
 * has the owner's name (both may be unnamed), and the class, resolved through the owner loader
 * without initialization, is defined by that loader itself;</li>
 * <li>by the owner's class files ({@link #ofEntries}): the class's file ({@link #classEntry}) is
 * one of the owner's own entries, as {@code Bundle.getEntry} tells without loading anything (the
 * caller's predicate: this package has no OSGi imports).</li>
 * </ul>
 * Either way a lambda or another hidden class counts as the class that defines it
 * ({@link #definingClass}): its frames run the owner's code too.
 *
 * <p>Not thread-safe: one instance serves one report or scan (it caches its verdicts by class
 * name). It keeps names only, no class and no thread, so it pins nothing.
 */
public final class OwnerFrames {

    private final Predicate<StackTraceElement> candidate; /* a cheap first look at the frame itself */
    private final Predicate<String> ownsClass;            /* the verdict on a defining class's name */
    private final Map<String, Boolean> verdicts = new HashMap<>(); /* confined to the using thread */

    /** @param owner the owner's class loader (a driver bundle's) */
    public OwnerFrames(ClassLoader owner) {
        Objects.requireNonNull(owner, "owner");
        this.candidate = frame -> Objects.equals(frame.getClassLoaderName(), owner.getName());
        this.ownsClass = className -> definedBy(owner, className);
    }

    private OwnerFrames(Predicate<String> ownsClass) {
        this.candidate = frame -> true;
        this.ownsClass = ownsClass;
    }

    /**
     * The frames of code whose class files are the owner's entries.
     *
     * @param hasEntry whether the owner has an entry of that path, e.g. {@code org/example/Driver.class}
     *                 (for a bundle: {@code entry -> bundle.getEntry(entry) != null}); called at most
     *                 once per class
     * @return the finder
     */
    public static OwnerFrames ofEntries(Predicate<String> hasEntry) {
        Objects.requireNonNull(hasEntry, "hasEntry");
        return new OwnerFrames(className -> hasEntry.test(classEntry(className)));
    }

    /**
     * @param className a binary class name, as a stack frame gives it
     * @return whether that class (or, for a lambda or hidden class, the class defining it) is the
     *         owner's code
     */
    public boolean owns(String className) {
        return verdicts.computeIfAbsent(definingClass(className), ownsClass::test);
    }

    /**
     * @param stack a stack, innermost frame first
     * @return its innermost frame of the owner's code, if any
     */
    public Optional<StackTraceElement> firstIn(List<StackTraceElement> stack) {
        for (StackTraceElement frame : stack) {
            if (candidate.test(frame) && owns(frame.getClassName())) {
                return Optional.of(frame);
            }
        }
        return Optional.empty();
    }

    /**
     * @param className a binary class name, e.g. {@code org.example.Driver$$Lambda$67/0x0000000800c0b240}
     * @return the class whose code it runs: the name without a hidden class's suffix
     *         ({@code /0x...}) and a lambda's ({@code $$Lambda...}), e.g. {@code org.example.Driver};
     *         any other name unchanged
     */
    public static String definingClass(String className) {
        int hidden = className.indexOf('/');
        String name = hidden > 0 ? className.substring(0, hidden) : className;
        int lambda = name.indexOf("$$Lambda");
        return lambda > 0 ? name.substring(0, lambda) : name;
    }

    /**
     * @param className a binary class name, e.g. {@code org.example.Driver$1}
     * @return the path of the class file of its {@linkplain #definingClass defining class} in a
     *         jar or bundle, e.g. {@code org/example/Driver$1.class}
     */
    public static String classEntry(String className) {
        return definingClass(className).replace('.', '/') + ".class";
    }

    private static boolean definedBy(ClassLoader owner, String className) {
        try {
            return Class.forName(className, false, owner).getClassLoader() == owner;
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return false; // classes the owner cannot see
        }
    }
}
