package org.drivermodel.driver.vled;

/** The state of one virtual LED: its brightness, 0 to {@link #MAX_BRIGHTNESS}. */
final class Led {
    /** As Linux's LED class default. */
    static final int MAX_BRIGHTNESS = 255;

    private final String path;
    private volatile int brightness;

    Led(String path) {
        this.path = path;
    }

    int brightness() {
        return brightness;
    }

    void setBrightness(int value) {
        if (value < 0 || value > MAX_BRIGHTNESS) {
            throw new IllegalArgumentException(path + ": brightness " + value + " out of 0.." + MAX_BRIGHTNESS);
        }
        brightness = value;
    }
}
