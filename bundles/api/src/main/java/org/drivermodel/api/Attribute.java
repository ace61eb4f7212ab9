package org.drivermodel.api;

import java.util.Objects;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One file of the attribute tree (Linux {@code struct device_attribute}, {@code driver_attribute}):
 * a name, a mode and the owner's callbacks. Immutable.
 *
 * <pre>
 * static final Attribute&lt;Device&gt; SIZE = Attribute.ro("size", dev -&gt; size(dev) + "\n");
 * static final Attribute&lt;Device&gt; BRIGHTNESS = Attribute.rw("brightness",
 *         dev -&gt; dev.driverData(Led.class).level() + "\n",
 *         (dev, value, ctx) -&gt; dev.driverData(Led.class).set(parseLevel(value))); // EINVAL on bad input
 * </pre>
 *
 * <p>The owner type {@code O} is whatever the attribute is declared on: a {@link Device} for
 * device attributes, a driver's or bus's handle for driver attributes such as {@code bind}. The
 * tree hands the owner given when the attribute was added to every callback.
 *
 * <p>Callbacks are owner code: the tree calls them only while the file is live, holds no lock
 * while they run, and once the file is removed it calls none of them again and keeps no
 * reference to them. A {@code store} that refuses its input throws
 * {@code DriverModelException(EINVAL, ...)} and changes nothing. Any other exception than a
 * {@link DriverModelException} reaches the reader or writer as {@code EIO}.
 *
 * @param <O> the owner type
 */
public final class Attribute<O> {

    /** Owner-read bit: the file can be read ({@code show} is called). */
    public static final int S_IRUSR = 0400;
    /** Owner-write bit: the file can be written ({@code store} is called). */
    public static final int S_IWUSR = 0200;
    /** Mode of a read-only attribute (Linux {@code DEVICE_ATTR_RO}). */
    public static final int MODE_RO = 0444;
    /** Mode of a read-write attribute (Linux {@code DEVICE_ATTR_RW}). */
    public static final int MODE_RW = 0644;
    /** Mode of a write-only attribute (Linux {@code DEVICE_ATTR_WO}). */
    public static final int MODE_WO = 0200;

    /** Longest name of a file or directory, as Linux {@code NAME_MAX}. */
    public static final int NAME_MAX = 255;

    private final String name;
    private final int mode;
    private final Show<? super O> show;
    private final Store<? super O> store;
    private final Release<? super O> release;

    private Attribute(String name, int mode, Show<? super O> show, Store<? super O> store,
            Release<? super O> release) {
        checkName(name);
        if ((mode & ~0777) != 0) {
            throw new DriverModelException(Errno.EINVAL, name, "mode " + Integer.toOctalString(mode) + " is not within 0777");
        }
        if ((mode & S_IRUSR) != 0 && show == null) {
            throw new DriverModelException(Errno.EINVAL, name, "readable attribute without show");
        }
        if ((mode & S_IWUSR) != 0 && store == null) {
            throw new DriverModelException(Errno.EINVAL, name, "writable attribute without store");
        }
        this.name = name;
        this.mode = mode;
        this.show = show;
        this.store = store;
        this.release = release;
    }

    /**
     * @param <O>  the owner type
     * @param name the file name
     * @param show produces the value
     * @return a read-only attribute, mode {@code 0444}
     * @throws DriverModelException EINVAL for an invalid name or a null callback
     */
    public static <O> Attribute<O> ro(String name, Show<? super O> show) {
        return new Attribute<>(name, MODE_RO, show, null, null);
    }

    /**
     * @param <O>   the owner type
     * @param name  the file name
     * @param show  produces the value
     * @param store takes a written value
     * @return a read-write attribute, mode {@code 0644}
     * @throws DriverModelException EINVAL for an invalid name or a null callback
     */
    public static <O> Attribute<O> rw(String name, Show<? super O> show, Store<? super O> store) {
        return new Attribute<>(name, MODE_RW, show, store, null);
    }

    /**
     * @param <O>   the owner type
     * @param name  the file name
     * @param store takes a written value
     * @return a write-only attribute, mode {@code 0200}
     * @throws DriverModelException EINVAL for an invalid name or a null callback
     */
    public static <O> Attribute<O> wo(String name, Store<? super O> store) {
        return new Attribute<>(name, MODE_WO, null, store, null);
    }

    /**
     * @param <O>   the owner type
     * @param name  the file name
     * @param mode  Linux permission bits within {@code 0777}; {@link #S_IRUSR} needs a show,
     *              {@link #S_IWUSR} a store
     * @param show  produces the value, or {@code null}
     * @param store takes a written value, or {@code null}
     * @return the attribute
     * @throws DriverModelException EINVAL for an invalid name or mode, or a missing callback
     */
    public static <O> Attribute<O> of(String name, int mode, Show<? super O> show, Store<? super O> store) {
        return new Attribute<>(name, mode, show, store, null);
    }

    /**
     * @param release called exactly once for every handle opened on this attribute: when the
     *                handle is closed, or when the file is removed while the handle is still
     *                open, whichever comes first (kernfs {@code ops->release})
     * @return a copy of this attribute with the release hook
     */
    public Attribute<O> onRelease(Release<? super O> release) {
        return new Attribute<>(name, mode, show, store, Objects.requireNonNull(release, "release"));
    }

    /** @return the file name */
    public String name() {
        return name;
    }

    /** @return the Linux permission bits, e.g. {@code 0644} */
    public int mode() {
        return mode;
    }

    /** @return true if the owner-read bit is set */
    public boolean readable() {
        return (mode & S_IRUSR) != 0;
    }

    /** @return true if the owner-write bit is set */
    public boolean writable() {
        return (mode & S_IWUSR) != 0;
    }

    /**
     * Calls the show callback. Context: called by the attribute tree inside the file's active
     * reference; holds no lock.
     *
     * @param owner the owner
     * @return the value text
     * @throws Exception what the callback throws
     */
    public String show(O owner) throws Exception {
        if (show == null) {
            throw new DriverModelException(Errno.EACCES, name, "not readable");
        }
        return show.show(owner);
    }

    /**
     * Calls the store callback. Context: as {@link #show}.
     *
     * @param owner   the owner
     * @param value   the written text
     * @param context the write in progress
     * @throws Exception what the callback throws
     */
    public void store(O owner, String value, Context context) throws Exception {
        if (store == null) {
            throw new DriverModelException(Errno.EACCES, name, "not writable");
        }
        store.store(owner, value, context);
    }

    /**
     * Calls the release hook, if any. Context: called by the attribute tree once per handle.
     *
     * @param owner the owner
     * @param file  the handle being released
     */
    public void release(O owner, AttributeFile file) {
        if (release != null) {
            release.release(owner, file);
        }
    }

    /**
     * @return the class loader that defined the callbacks (a driver bundle's loader), so that a
     *         drain report can point at the owner's frames; {@code null} for the boot loader
     */
    public ClassLoader callbackLoader() {
        Object code = show != null ? show : store;
        return code == null ? null : code.getClass().getClassLoader();
    }

    @Override
    public String toString() {
        return "Attribute[" + name + ", 0" + Integer.toOctalString(mode) + "]";
    }

    /** Validates a file or directory name: non-empty, at most 255 characters, no '/', not '.' or '..', no control character. */
    static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new DriverModelException(Errno.EINVAL, "attribute", "empty name");
        }
        if (name.length() > NAME_MAX) {
            throw new DriverModelException(Errno.ENAMETOOLONG, name.substring(0, 32) + "...",
                    "name longer than " + NAME_MAX + " characters");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new DriverModelException(Errno.EINVAL, name, "reserved name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || Character.isISOControl(c)) {
                throw new DriverModelException(Errno.EINVAL, name.replaceAll("\\p{Cntrl}", "?"),
                        "name contains '/' or a control character");
            }
        }
    }

    /**
     * Produces an attribute's value (Linux {@code show}); by convention the text ends with a
     * newline.
     *
     * @param <O> the owner type
     */
    @ConsumerType
    @FunctionalInterface
    public interface Show<O> {
        /**
         * @param owner the owner the attribute was added for
         * @return the value text, never {@code null}
         * @throws Exception to fail the read; a {@link DriverModelException} reaches the reader
         *         as is, anything else as {@code EIO}
         */
        String show(O owner) throws Exception;
    }

    /**
     * Takes a written value (Linux {@code store}).
     *
     * @param <O> the owner type
     */
    @ConsumerType
    @FunctionalInterface
    public interface Store<O> {
        /**
         * @param owner   the owner the attribute was added for
         * @param value   the written text, as written (a trailing newline included)
         * @param context the write in progress; offers self-removal
         * @throws Exception to refuse the write: {@code DriverModelException(EINVAL, ...)} for
         *         invalid input, having changed nothing; anything else than a
         *         {@link DriverModelException} reaches the writer as {@code EIO}
         */
        void store(O owner, String value, Context context) throws Exception;
    }

    /**
     * Releases what the owner keeps for one open handle (kernfs {@code ops->release}).
     *
     * @param <O> the owner type
     */
    @ConsumerType
    @FunctionalInterface
    public interface Release<O> {
        /**
         * Runs exactly once per handle, at its close or when the file is removed, whichever
         * comes first; never after the removal returned.
         *
         * @param owner the owner
         * @param file  the handle; reads and writes through it fail from now on
         */
        void release(O owner, AttributeFile file);
    }

    /**
     * The write in progress, handed to a {@link Store}. Valid only on the writing thread until
     * the store returns.
     */
    @ProviderType
    public interface Context {

        /** @return the path of the file being written */
        String path();

        /**
         * Self-removal (kernfs {@code kernfs_remove_self}, PCI's {@code remove} file): lets a
         * store remove the object the file belongs to without waiting for its own drain.
         *
         * <p>Drops this write's active reference (the owner may then go away under the caller:
         * from here on the store may use only what it holds itself), then, if no other writer
         * of this file has claimed the removal and the file is not being removed already, runs
         * {@code removal} on the calling thread and returns true. Of any number of concurrent
         * callers exactly one runs {@code removal}; the others wait (bounded by the tree's
         * drain deadline) until it has finished and return false.
         *
         * <p>Context: only from the store this context was given to, once.
         *
         * @param removal removes the owner, e.g. unregisters the device; it must remove the
         *                directory holding this file
         * @return true if this caller ran the removal
         * @throws org.drivermodel.error.DriverModelException EINVAL if called twice, after the
         *         store returned or from another thread; what {@code removal} throws
         */
        boolean removeSelf(Runnable removal);
    }
}
