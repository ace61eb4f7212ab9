package org.drivermodel.itest;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

import org.drivermodel.testkit.HostileHooks;

/**
 * The hooks the hostile and the untrusted drivers call: a misbehaviour hangs until {@link #release}
 * is counted down ({@link Waits#hold}: bounded, even if a test fails first; a test counts it down
 * at its tear-down);
 * what came of each is kept for the test.
 */
class HangingHooks implements HostileHooks {
    /** Per behaviour: counted down once a driver has entered its hang. */
    final Map<String, CountDownLatch> entered = new ConcurrentHashMap<>();
    /** Per behaviour: the device of the first driver call that entered its hang. */
    final Map<String, String> enteredBy = new ConcurrentHashMap<>();
    final CountDownLatch release = new CountDownLatch(1);
    /** {@code <behaviour> <device>: <result>}, in the order they were told. */
    final BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();

    CountDownLatch entered(String behaviour) {
        return entered.computeIfAbsent(behaviour, b -> new CountDownLatch(1));
    }

    @Override
    public void hang(String behaviour, String device) {
        enteredBy.putIfAbsent(behaviour, device);
        entered(behaviour).countDown();
        Waits.hold(release);
    }

    @Override
    public void outcome(String behaviour, String device, String result) {
        outcomes.add(behaviour + " " + device + ": " + result);
    }
}
