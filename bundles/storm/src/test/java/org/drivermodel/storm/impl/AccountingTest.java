package org.drivermodel.storm.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;

class AccountingTest {
    private static final Set<Errno> IO = Set.of(Errno.ENODEV, Errno.EIO);

    @Test
    void eachRequestEndsOkOrFailedAndASecondEndIsADuplicate() {
        Accounting a = new Accounting();
        long r1 = a.begin("read", IO);
        long r2 = a.begin("write", IO);
        long r3 = a.begin("flush", IO);
        a.end(r1, null);
        a.end(r2, new CompletionException(new DriverModelException(Errno.EIO, "tb0", "aborted")));
        a.end(r2, null);
        assertEquals(3, a.requests());
        assertEquals(1, a.ok());
        assertEquals(1, a.failed());
        assertEquals(1, a.duplicated());
        assertEquals(1, a.open());
        assertEquals(List.of("flush"), a.openRequests(5));
        assertEquals(0, a.unexpectedCount());
        a.end(r3, new DriverModelException(Errno.ENODEV, "tb0", "gone"));
        assertEquals(0, a.open());
    }

    @Test
    void anErrorOfAnotherCodeOrKindIsUnexpected() {
        Accounting a = new Accounting();
        a.end(a.begin("read x", IO), new DriverModelException(Errno.EINVAL, "x", "bad"));
        a.end(a.begin("read y", IO), new IllegalStateException("boom"));
        assertEquals(2, a.failed());
        assertEquals(2, a.unexpectedCount());
        assertEquals(List.of("read x: org.drivermodel.error.DriverModelException: EINVAL: x: bad",
                "read y: java.lang.IllegalStateException: boom"), a.unexpected());
    }

    @Test
    void aRequestThatReturnedWhatItNeverMayIsFailedAndUnexpected() {
        Accounting a = new Accounting();
        long id = a.begin("read /devices/vbus/b4d1:0004.1/bad", IO);
        a.endWrong(id, "the read succeeded; its show always throws");
        assertEquals(1, a.failed());
        assertEquals(0, a.ok());
        assertEquals(1, a.unexpectedCount());
        assertEquals(List.of("read /devices/vbus/b4d1:0004.1/bad: the read succeeded; its show always throws"), a.unexpected());
        a.endWrong(id, "again");
        assertEquals(1, a.duplicated());
        assertEquals(0, a.open());
    }

    @Test
    void theBoundarysEioIsExpectedOnlyWhereTheRequestAllowsIt() {
        Accounting a = new Accounting();
        DriverModelException eio = new DriverModelException(Errno.EIO, "/devices/vbus/b4d1:0004.1/bad",
                "show failed: java.lang.InternalError");
        a.end(a.begin("read of a faulty file", Set.of(Errno.EIO, Errno.ENODEV)), eio);
        assertEquals(0, a.unexpectedCount());
        a.end(a.begin("read of another file", Set.of(Errno.ENODEV)), eio);
        assertEquals(1, a.unexpectedCount());
        assertEquals(2, a.failed());
    }

    @Test
    void awaitQuietWaitsForTheLastEndOrTheDeadline() throws Exception {
        Accounting a = new Accounting();
        long id = a.begin("slow", IO);
        assertFalse(a.awaitQuiet(10, TimeUnit.MILLISECONDS));
        CountDownLatch waiting = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                waiting.await();
                a.end(id, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        waiting.countDown();
        assertTrue(a.awaitQuiet(30, TimeUnit.SECONDS));
        t.join(30_000);
        assertEquals(1, a.ok());
    }

    @Test
    void racingEndsCountOnceAndTheRestAsDuplicates() throws Exception {
        Accounting a = new Accounting();
        int requests = 2000;
        long[] ids = new long[requests];
        for (int i = 0; i < requests; i++) {
            ids[i] = a.begin("r" + i, IO);
        }
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long id : ids) {
                    a.end(id, null);
                }
            });
            threads[t].start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(30_000);
            assertFalse(t.isAlive());
        }
        assertEquals(requests, a.ok());
        assertEquals(requests, a.duplicated());
        assertEquals(0, a.open());
    }
}
