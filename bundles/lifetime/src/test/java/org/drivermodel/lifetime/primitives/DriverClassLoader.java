package org.drivermodel.lifetime.primitives;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A named class loader that defines its own copy of one class (child first) and delegates the
 * rest: enough to stand for a driver bundle's loader in tests.
 */
final class DriverClassLoader extends ClassLoader {

    private final String ownClass;

    DriverClassLoader(String name, String ownClass, ClassLoader parent) {
        super(name, parent);
        this.ownClass = ownClass;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.equals(ownClass)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                String resource = name.replace('.', '/') + ".class";
                try (InputStream in = getParent().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    c = defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return c;
        }
    }
}
