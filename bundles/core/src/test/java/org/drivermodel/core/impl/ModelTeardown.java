package org.drivermodel.core.impl;

import org.drivermodel.lifetime.primitives.RefTracking;

/**
 * The tear-down of every test that builds a {@link DeviceModel}: the model's probe threads and
 * remove watchdog are stopped, and the lifetime library's global {@link RefTracking}, which the
 * model's constructor and {@code configure} set, is put back to what a new model starts from, so
 * that no test sees what another left behind.
 */
final class ModelTeardown {
    private ModelTeardown() {
    }

    /** Closes the model and resets the global reference tracking; call it from {@code @AfterEach}. */
    static void close(DeviceModel model) {
        try {
            model.close();
        } finally {
            RefTracking.setGlobal(CoreSettings.DEFAULTS.refTracking());
        }
    }
}
