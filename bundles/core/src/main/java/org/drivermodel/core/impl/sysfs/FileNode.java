package org.drivermodel.core.impl.sysfs;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.drivermodel.api.Attribute;
import org.drivermodel.lifetime.ActiveGate;

/**
 * An attribute file (kernfs {@code KERNFS_FILE}) with the two counters of kernfs: the node
 * object itself, which any handle may keep alive, and its {@link #gate}, the active reference
 * that counts callers inside the owner's callbacks.
 *
 * <p>Concurrency: {@link #binding} is the only path from the tree to the owner. It is written
 * once at creation (before the node is published under the tree lock) and cleared by the
 * removal after the gate is killed and drained; a caller reads it only after entering the gate,
 * so a caller that got in always finds it. {@link #handles} is a concurrent set: opens add to it
 * under the tree lock (read), so that a removal, which claims the node under the tree lock
 * (write), afterwards finds every handle ever opened that has not been released.
 */
final class FileNode extends Node {

    final ActiveGate gate;                         // named by the path, so ENODEV names the file
    final int mode;                                // kept here so EACCES needs no owner reference
    volatile Binding binding;                      /* set before publication; cleared by the removal after the drain */
    final Set<OpenFile> handles = ConcurrentHashMap.newKeySet(); /* open, not yet released handles */
    final AtomicReference<SelfRemoval> selfRemoval = new AtomicReference<>(); /* set once by the winning removeSelf */

    FileNode(String name, DirNode parent, Binding binding) {
        super(name, parent);
        this.gate = new ActiveGate(path);
        this.mode = binding.attribute().mode();
        this.binding = binding;
    }

    boolean readable() {
        return (mode & Attribute.S_IRUSR) != 0;
    }

    boolean writable() {
        return (mode & Attribute.S_IWUSR) != 0;
    }

    /**
     * What the file calls: the owner's attribute and the owner. The class loader of the
     * attribute's callbacks is kept to point at owner frames in a drain report.
     */
    record Binding(Attribute<Object> attribute, Object owner, ClassLoader loader) {
        @SuppressWarnings("unchecked")
        static <O> Binding of(Attribute<O> attribute, O owner) {
            return new Binding((Attribute<Object>) attribute, owner, attribute.callbackLoader());
        }
    }

    /** The claim of the one writer that removes this file's owner from its store. */
    static final class SelfRemoval {
        final Thread remover = Thread.currentThread();
        private final CountDownLatch done = new CountDownLatch(1);

        void finish() {
            done.countDown();
        }

        /** Waits until the removal finished or the timeout passed; keeps the interrupt status. */
        boolean await(Duration timeout) {
            return Removal.awaitUninterruptibly(done, timeout);
        }
    }
}
