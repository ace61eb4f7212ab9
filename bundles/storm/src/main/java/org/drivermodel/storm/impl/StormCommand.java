package org.drivermodel.storm.impl;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drivermodel.api.DriverCore;
import org.drivermodel.block.BlockLayer;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * {@code storm:run [-s seed] [-n events] [-t io-threads]}: runs a storm and prints its one
 * {@code STORM ...} line on the session's console; fails (after printing it) with the problems
 * and the command that replays the run unless the verdict is clean. One storm at a time.
 *
 * <p>The driver core and the block layer are mandatory static references: the storm never stops
 * them. The bus it storms is tracked by the storm itself, since it comes and goes during a run.
 */
@Component(service = StormCommand.class, property = {
        "osgi.command.scope=storm",
        "osgi.command.function=run" })
public final class StormCommand {

    @Reference
    private DriverCore core;

    @Reference
    private BlockLayer block;

    @Reference(service = LoggerFactory.class)
    private Logger log;

    private BundleContext context;                          /* written in activate, before any command runs */
    private final AtomicBoolean busy = new AtomicBoolean(); /* true while a storm runs: one at a time */

    @Activate
    void activate(BundleContext ctx) {
        context = ctx;
    }

    /**
     * @param session the shell session, whose console gets the result line
     * @param seed    the seed, or empty for a random one
     * @param events  the number of events
     * @param threads the number of block I/O threads (as many attribute threads run beside them)
     */
    @Descriptor("run a hotplug storm: a seeded schedule of plugs, unplugs, driver and bus bundle stops, starts,"
            + " updates and reinstalls under block and attribute I/O; prints one STORM line and fails unless nothing"
            + " was lost, duplicated, called after removal or leaked and every retired class loader was collected")
    public void run(CommandSession session,
            @Descriptor("the seed (a decimal long; default: random, printed in the STORM line)")
            @Parameter(names = { "-s", "--seed" }, absentValue = "") String seed,
            @Descriptor("how many events, 1 to 1000000 (default 2000)")
            @Parameter(names = { "-n", "--events" }, absentValue = "") String events,
            @Descriptor("block I/O threads, 1 to 16 (default 2; as many attribute threads run beside them)")
            @Parameter(names = { "-t", "--threads" }, absentValue = "") String threads) throws InterruptedException {
        StormOptions options = StormOptions.parse(seed, events, threads, ThreadLocalRandom.current().nextLong());
        if (!busy.compareAndSet(false, true)) {
            throw new DriverModelException(Errno.EBUSY, StormOptions.COMMAND, "a storm is running; one at a time");
        }
        StormResult r;
        try {
            r = new Storm(context, core, block, log, options).run();
        } finally {
            busy.set(false);
        }
        session.getConsole().println(r.line());
        if (!r.passed()) {
            throw new DriverModelException(Errno.EIO, "storm", "failed; replay with " + options.replay() + ": "
                    + String.join("; ", r.problems()));
        }
    }

    /** @param args what {@code run} was given, if not what it takes. Never returns: EINVAL with the usage */
    @Descriptor("(called with the wrong arguments: answers EINVAL with the usage)")
    public void run(String... args) {
        throw StormOptions.wrongArguments(args);
    }
}
