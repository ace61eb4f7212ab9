package org.drivermodel.core.impl.util;

/**
 * A hash table of named objects whose chains run through the objects themselves (an intrusive
 * table, as Linux's {@code hlist}): an object in it costs one field of its own and, on average,
 * one or two slots of the table, and no entry object. At 100k devices, a {@code TreeMap}'s or a
 * {@code LinkedHashMap}'s entry per device was 40 bytes and one more object for each young
 * collection to copy (issue #19); a {@code TreeMap}'s insertion also compared some 17 names.
 *
 * <p>An object is in at most one table of a kind at a time (it has one chain field for it).
 * A subclass names the object's name and its chain field.
 *
 * <p>The slot of a name is the low bits of its {@link String#hashCode}, with the high ones
 * folded in: names that differ in their last digits (a bus's devices) land in neighbouring
 * slots, so looking up many of them in order walks the table in order. (Open addressing with
 * the hashes beside the objects was tried: it needed the hashes mixed, and its scattered slots
 * made an unplug of 100k devices twice as slow.)
 *
 * <p>The table doubles when it holds more objects than slots and halves when it holds fewer
 * than an eighth of them (never below {@link #MIN_SLOTS}), so a table emptied of 100k objects
 * does not keep their slots.
 *
 * <p>Concurrency: none; its owner's lock guards it. Readers may walk chains together while no
 * writer changes them.
 *
 * @param <N> what it holds
 */
public abstract class ChainedTable<N> {

    /** The table's smallest size, a power of two. */
    public static final int MIN_SLOTS = 16;

    private Object[] slots = new Object[MIN_SLOTS]; /* guarded by the owner's lock; chains through next(N) */
    private int size;                              /* guarded by the owner's lock */

    /** @return the name {@code n} is found by; fixed while {@code n} is in the table */
    protected abstract String name(N n);

    /**
     * @return {@code name(n).hashCode()}, kept in {@code n}: growing the table reads it for each
     *         object, and reading it from the name's string too took a second cache miss per
     *         object (at 100k devices the doublings were a fifth of a plug's cost)
     */
    protected abstract int hash(N n);

    /** @return the next object in {@code n}'s chain, or null */
    protected abstract N next(N n);

    /** Sets the next object in {@code n}'s chain. */
    protected abstract void next(N n, N next);

    /** @return the object of that name, or null (none is named null: a caller's bad name is not found) */
    public final N get(String name) {
        if (name == null) {
            return null;
        }
        int h = name.hashCode();
        for (N n = chain(h); n != null; n = next(n)) {
            if (hash(n) == h && name(n).equals(name)) {
                return n;
            }
        }
        return null;
    }

    /**
     * @return the first of the chain that holds the names of that hash (each name's own hash to
     *         be compared), for a lookup by something other than a string
     */
    protected final N chain(int hash) {
        return slot(index(hash, slots.length));
    }

    /**
     * Adds {@code node} under its name, in one walk of its chain. One of the same name leaves
     * the table if {@code replace}, and otherwise stays, with {@code node} not added; {@code node}
     * itself, if already in, stays as it is.
     *
     * @return the one of that name found (gone if {@code replace}), {@code node} if it was in
     *         already, or null if {@code node} was added to a name not taken
     */
    protected final N insert(N node, boolean replace) {
        String name = name(node);
        int h = hash(node);
        int i = index(h, slots.length);
        N prev = null;
        for (N n = slot(i); n != null; prev = n, n = next(n)) {
            if (n == node) {
                return node; // relinking it here would cut its chain after it
            }
            if (hash(n) == h && name(n).equals(name)) {
                if (!replace) {
                    return n;
                }
                next(node, next(n));
                link(i, prev, node);
                next(n, null);
                return n;
            }
        }
        next(node, slot(i));
        slots[i] = node;
        if (++size > slots.length) {
            resize(slots.length * 2);
        }
        return null;
    }

    /** Removes {@code node} if it is in this table. @return true if it was */
    protected final boolean delete(N node) {
        int i = index(hash(node), slots.length);
        N prev = null;
        for (N n = slot(i); n != null; prev = n, n = next(n)) {
            if (n == node) {
                link(i, prev, next(node));
                next(node, null);
                if (--size < slots.length / 8 && slots.length > MIN_SLOTS) {
                    resize(slots.length / 2);
                }
                return true;
            }
        }
        return false;
    }

    /** @return the number of objects */
    public final int size() {
        return size;
    }

    /** @return every object, in no order: an array of {@link #size()} made now */
    protected final Object[] snapshot() {
        Object[] all = new Object[size];
        int k = 0;
        for (int i = 0; i < slots.length; i++) {
            for (N n = slot(i); n != null; n = next(n)) {
                all[k++] = n;
            }
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private N slot(int i) {
        return (N) slots[i];
    }

    private void link(int slot, N prev, N next) {
        if (prev == null) {
            slots[slot] = next;
        } else {
            next(prev, next);
        }
    }

    @SuppressWarnings("unchecked")
    private void resize(int length) {
        Object[] grown = new Object[length];
        for (int i = 0; i < slots.length; i++) {
            N next;
            for (N n = slot(i); n != null; n = next) {
                next = next(n);
                int j = index(hash(n), length);
                next(n, (N) grown[j]);
                grown[j] = n;
            }
        }
        slots = grown;
    }

    /** @return the slot of a hash in a table of {@code length} slots: its high bits folded into the low ones */
    static int index(int hash, int length) {
        return (hash ^ (hash >>> 16)) & (length - 1);
    }
}
