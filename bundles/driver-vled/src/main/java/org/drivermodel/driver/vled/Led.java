package org.drivermodel.driver.vled;

/**
 * The state of one virtual LED: its brightness, 0 to {@link #MAX_BRIGHTNESS}. As with Linux's
 * LED class, a brightness above the maximum is clamped to it.
 */
final class Led {
    /** As Linux's LED class default (LED_FULL). */
    static final int MAX_BRIGHTNESS = 255;

    private volatile int brightness;

    int brightness() {
        return brightness;
    }

    void setBrightness(long value) {
        brightness = (int) Math.min(Math.max(value, 0), MAX_BRIGHTNESS);
    }
}
