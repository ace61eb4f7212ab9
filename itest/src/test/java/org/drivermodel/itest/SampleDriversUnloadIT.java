package org.drivermodel.itest;

import static org.drivermodel.itest.Waits.awaitTrue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Optional;

import org.drivermodel.testkit.exam.DriverModelOptions;
import org.drivermodel.testkit.unload.UnloadProof;
import org.drivermodel.testkit.unload.UnloadRecord;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * The project's sample drivers pass the test kit's unload proof, as a driver author's own tests
 * would use it: boot {@link DriverModelOptions#runtime()} with the driver, plug or declare a
 * device, wait until it is bound, and {@link UnloadProof#assertUnloadsCleanly}. vled is loaded
 * through its brightness files, vthermal through its polled attributes (its timer must be gone
 * after the stop), ramdisk through its attributes and block I/O on its disk. The test holds no
 * object of a driver, so its class loader can be collected.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class SampleDriversUnloadIT extends VirtualBusTestBase {

    @Override
    protected Option[] frameworkOptions() {
        return TestRuntime.driverModel(DriverModelOptions.unloadProofSettings());
    }

    @Test
    public void vledUnloadsCleanlyWithTwoLedsUnderLoad() throws Exception {
        String first = "/devices/vbus/" + vbus.plug("1209:0001");
        String second = "/devices/vbus/" + vbus.plug("1209:0001");
        awaitBound(first, "vled");
        awaitBound(second, "vled");
        Bundle vled = bundle("org.drivermodel.driver-vled");

        UnloadRecord record = UnloadProof.assertUnloadsCleanly(context, vled);

        assertEquals(Bundle.UNINSTALLED, vled.getState());
        assertEquals(List.of("vbus/vled"), record.drivers());
        assertEquals(List.of(first, second), record.devices());
        assertTrue(record.toString(), record.attributeFiles().containsAll(List.of(first + "/brightness", second + "/max_brightness")));
        assertTrue("the load went on against the orphaned files: " + record, record.operationsAfterStop() > 0);
        assertEquals(List.of(), record.disks());
        assertEquals("the devices stay, unbound", Optional.empty(), core.device(first).driver());
    }

    @Test
    public void vthermalUnloadsCleanlyWithItsPollTimerRunning() throws Exception {
        org.osgi.service.cm.Configuration declaration = configAdmin.createFactoryConfiguration("org.drivermodel.platform.device", "?");
        declaration.update(properties("name", "thermal0", "compatible", "drivermodel,virtual-thermal", "poll.interval.ms", "10"));
        awaitBound("platform/thermal0", "vthermal");
        awaitTrue("the sensor is polled", () -> Long.parseLong(read("/devices/platform/thermal0/samples").strip()) >= 3);
        Bundle sensor = bundle("org.drivermodel.driver-sensor");

        UnloadRecord record = UnloadProof.assertUnloadsCleanly(context, sensor);

        assertEquals(Bundle.UNINSTALLED, sensor.getState());
        assertTrue(record.toString(), record.attributeFiles().containsAll(List.of(
                "/devices/platform/thermal0/temp1_input", "/devices/platform/thermal0/poll_interval_ms")));
        assertFalse("no poll thread is left", Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("vthermal-")));
    }

    @Test
    public void ramdiskUnloadsCleanlyUnderBlockIo() throws Exception {
        String dev = "/devices/vbus/" + vbus.plug("1d6b:0100");
        awaitBound(dev, "ramdisk");
        Bundle ramdisk = bundle("org.drivermodel.driver-ramdisk");

        UnloadRecord record = UnloadProof.of(context, ramdisk).loadThreads(3).run();

        assertEquals(Bundle.UNINSTALLED, ramdisk.getState());
        assertEquals(List.of("ram0"), record.disks());
        assertTrue("block I/O ran: " + record, record.blockOperations() > 0);
        assertTrue(record.toString(), record.attributeFiles().stream().anyMatch(f -> f.endsWith("/ram0/size")));
        assertEquals("the disk went with its driver", List.of(), core.list("/class/block"));
    }
}
