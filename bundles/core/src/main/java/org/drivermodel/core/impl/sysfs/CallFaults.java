package org.drivermodel.core.impl.sysfs;

import org.drivermodel.error.DriverModelException;

/**
 * Where the tree reports on owners' callbacks: one threw something other than a
 * {@link DriverModelException} (any {@code Throwable}), or a show returned more than a page
 * (the reader or writer gets EIO, or the first page; the throwable itself is never handed on:
 * it references the owner's classes); or a store was let out of its file's drain
 * ({@link #unprotected}). Called on the caller's thread, no tree lock held.
 */
public interface CallFaults {
    /** Reports nothing. */
    CallFaults NONE = new CallFaults() {
        @Override
        public void fault(String path, Object owner, String op, Throwable t) {
        }

        @Override
        public void oversized(String path, Object owner, int length) {
        }
    };

    /** A show, store or release threw; {@code op} says which. */
    void fault(String path, Object owner, String op, Throwable t);

    /** A show returned {@code length} characters, more than {@link AttributeTree#PAGE_SIZE}. */
    void oversized(String path, Object owner, int length);

    /**
     * A call of the owner's code on the current thread was let out of its file's drain (it removes
     * its own file, device or binding, kernfs {@code kernfs_break_active_protection}): no removal
     * waits for it any more, though it still runs the owner's code.
     *
     * @return run on the same thread when that call returns, or null
     */
    default Runnable unprotected(String path, Object owner) {
        return null;
    }
}
