package org.drivermodel.testkit.unload.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.drivermodel.lifetime.primitives.OwnerFrames;
import org.osgi.framework.Bundle;

/**
 * Finds a bundle's code on the threads' stacks, and says where a thread is: a frame is the
 * bundle's when its class file is in the bundle ({@link Bundle#getEntry}), lambdas and hidden
 * classes counting as the class that defines them ({@link OwnerFrames}, as the core's scan of a
 * stopped bundle). Classes the bundle embeds and another bundle embeds too count as both.
 *
 * <p>Concurrency: confined to the proof's thread; it keeps no thread and no class, only names, so
 * it pins nothing.
 */
public final class BundleFrames {
    /** Frames shown of a thread not in the bundle's code: enough to see what it waits for. */
    private static final int FRAMES_SHOWN = 8;

    private final OwnerFrames frames; /* confined */

    /** @param bundle the bundle whose code is looked for; not uninstalled while this is used */
    public BundleFrames(Bundle bundle) {
        this.frames = OwnerFrames.ofEntries(entry -> bundle.getEntry(entry) != null);
    }

    /** @return the innermost frame of the bundle in the stack, or null */
    private StackTraceElement firstIn(StackTraceElement[] stack) {
        return frames.firstIn(Arrays.asList(stack)).orElse(null);
    }

    /**
     * @return every live thread running code of the bundle now, each as
     *         {@code "name" at <innermost frame of the bundle>}; empty if none
     */
    public List<String> threadsInside() {
        List<String> inside = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement frame = firstIn(e.getValue());
            if (frame != null) {
                inside.add("\"" + e.getKey().getName() + "\" at " + frame);
            }
        }
        return inside;
    }

    /** @return where a thread is: its innermost frame of the bundle, or its top frames */
    public String where(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        StackTraceElement frame = firstIn(stack);
        if (frame != null) {
            return "\"" + t.getName() + "\" in code of the bundle at " + frame;
        }
        StringBuilder b = new StringBuilder("\"").append(t.getName()).append("\" at");
        for (int i = 0; i < Math.min(FRAMES_SHOWN, stack.length); i++) {
            b.append(i == 0 ? " " : " < ").append(stack[i]);
        }
        return b.toString();
    }
}
