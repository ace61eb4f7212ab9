package org.drivermodel.core.impl;

import java.time.Duration;
import java.util.function.Consumer;

/** A watch of a test's own callback: its report goes to a consumer, and it is closed when the callback returns. */
final class ReportedWatch extends CallWatchdog.Watch implements AutoCloseable {
    private final CallWatchdog dog;
    private final Consumer<CallWatchdog.Overdue> report;

    private ReportedWatch(CallWatchdog dog, Consumer<CallWatchdog.Overdue> report) {
        this.dog = dog;
        this.report = report;
    }

    /** Starts watching a callback the current thread is about to run. */
    static ReportedWatch start(CallWatchdog dog, Duration deadline, Consumer<CallWatchdog.Overdue> report) {
        ReportedWatch w = new ReportedWatch(dog, report);
        dog.watch(w, deadline);
        return w;
    }

    @Override
    void overdue(CallWatchdog.Overdue overdue) {
        report.accept(overdue);
    }

    @Override
    public void close() {
        dog.unwatch(this);
    }
}
