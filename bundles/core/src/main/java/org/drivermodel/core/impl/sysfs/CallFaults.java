package org.drivermodel.core.impl.sysfs;

import org.drivermodel.error.DriverModelException;

/**
 * Where the tree reports what an owner's callback did wrong: it threw something other than a
 * {@link DriverModelException} (any {@code Throwable}), or a show returned more than a page.
 * The reader or writer gets EIO, or the first page; the throwable itself is never handed on
 * (it references the owner's classes). Called on the caller's thread, no tree lock held.
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
}
