package org.drivermodel.block;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A driver's entry point for requests (Linux {@code queue_rq}). Called in the submitter's
 * thread; it may complete the request at once or hand it on and complete it later. What it
 * throws fails the request with EIO (if still pending) and is reported. Once the disk is going,
 * it is not called again, and the disk's removal waits for the calls in progress.
 */
@ConsumerType
@FunctionalInterface
public interface RequestHandler {

    /**
     * @param request the request; complete it exactly once
     * @throws Exception anything: contained and reported
     */
    void handle(BlockRequest request) throws Exception;
}
