package org.drivermodel.testkit.unload.impl;

import java.util.List;

/** A check of what a load left once it ended, beyond its tally (a disk's counters, say). */
public interface LoadCheck {

    /** @return what was loaded (a disk's name) */
    String what();

    /** @return what is wrong, empty if nothing */
    List<String> verify();
}
