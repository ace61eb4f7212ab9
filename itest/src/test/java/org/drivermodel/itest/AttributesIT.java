package org.drivermodel.itest;

import static org.drivermodel.itest.Errors.assertErrno;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;

import org.drivermodel.api.AttributeFile;
import org.drivermodel.api.DeviceState;
import org.drivermodel.api.Uevent;
import org.drivermodel.error.Errno;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The attribute tree in a real framework, through the shell and the API: the sample driver's
 * files, bad values refused, handles orphaned when the driver bundle stops, self-removal.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AttributesIT extends VirtualBusTestBase {

    private String dev;

    @Before
    public void plugAnLed() {
        dev = "/devices/vbus/" + vbus.plug("1209:0001");
    }

    @After
    public void unplugEverything() throws Exception {
        Bundles.startIfStopped(bundle("org.drivermodel.driver-vled"));
        unplugAll();
    }

    @Test
    public void theSampleDriversFilesReadWriteAndRefuseBadValues() throws Exception {
        assertEquals("devices\ndrivers\ndrivers_autoprobe\n", run("attr:ls /bus/vbus"));
        assertEquals("brightness\ndriver\ndriver_override\nidProduct\nidVendor\nmax_brightness\nremove\nuevent\n",
                run("attr:ls " + dev));
        assertEquals("1209", run("attr:cat " + dev + "/idVendor"));
        assertEquals("0", run("attr:cat " + dev + "/brightness"));
        assertEquals("255", run("attr:cat " + dev + "/max_brightness"));
        run("attr:write " + dev + "/brightness 128");
        assertEquals("128", run("attr:cat /bus/vbus/devices/" + dev.substring(14) + "/brightness"));
        run("attr:write " + dev + "/brightness 300");
        assertEquals("clamped, as the LED class does", "255", run("attr:cat " + dev + "/brightness"));

        run("attr:write " + dev + "/brightness 17");
        for (String bad : new String[] {"abc", "-1", "1.5", "0x10", "99999999999999999999", "\"\"", "１"}) {
            Errno expected = bad.startsWith("9999") ? Errno.ERANGE : Errno.EINVAL;
            assertErrno(expected, () -> run("attr:write " + dev + "/brightness " + bad));
        }
        assertErrno(Errno.EACCES, () -> run("attr:write " + dev + "/max_brightness 1"));
        assertErrno(Errno.EACCES, () -> run("attr:cat " + dev + "/remove"));
        assertErrno(Errno.EINVAL, () -> run("attr:write " + dev + "/remove 2"));
        assertEquals("bad writes changed nothing", "17", run("attr:cat " + dev + "/brightness"));
    }

    @Test
    public void theUeventFileShowsTheDevicesVariablesAndAWrittenActionIsPostedMarkedSynthetic() throws Exception {
        assertEquals("DRIVER=vled\nVBUS_ID=1209:0001\nMODALIAS=vbus:v1209p0001", run("attr:cat " + dev + "/uevent"));
        java.util.concurrent.BlockingQueue<org.osgi.service.event.Event> changes = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.Hashtable<String, Object> topics = new java.util.Hashtable<>();
        topics.put(org.osgi.service.event.EventConstants.EVENT_TOPIC, Uevent.CHANGE.topic());
        org.osgi.framework.ServiceRegistration<?> reg = context.registerService(org.osgi.service.event.EventHandler.class,
                changes::add, topics);
        try {
            run("attr:write " + dev + "/uevent change");
            org.osgi.service.event.Event e = changes.poll(Waits.DEADLINE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            assertNotNull("the synthetic CHANGE was posted", e);
            assertEquals(dev, e.getProperty(Uevent.DEVPATH));
            assertEquals("vbus", e.getProperty(Uevent.SUBSYSTEM));
            assertEquals("vled", e.getProperty(Uevent.DRIVER));
            assertEquals("1209", e.getProperty(Uevent.PROPERTY_PREFIX + "vendor"));
            assertEquals("0", e.getProperty(Uevent.SYNTH_UUID));
            assertErrno(Errno.EINVAL, () -> run("attr:write " + dev + "/uevent explode"));
            run("attr:write " + dev + "/uevent remove");
            assertEquals("writing remove only announces it", DeviceState.BOUND, core.device(dev).state());
        } finally {
            reg.unregister();
        }
        assertErrno(Errno.ENODEV, () -> run("attr:write /bus/vbus/drivers/vled/unbind nosuch"));
        assertErrno(Errno.ENODEV, () -> run("attr:write /bus/vbus/drivers/vled/bind nosuch"));
    }

    @Test
    public void badPathsAreRefusedWithTheirCodes() throws Exception {
        assertErrno(Errno.EINVAL, () -> run("attr:cat \"\""));
        assertErrno(Errno.EINVAL, () -> run("attr:cat devices/vbus"));
        assertErrno(Errno.EINVAL, () -> run("attr:cat /devices//vbus"));
        assertErrno(Errno.EINVAL, () -> run("attr:cat " + dev + "/"));
        assertErrno(Errno.EINVAL, () -> run("attr:cat " + dev + "/../x"));
        assertErrno(Errno.EINVAL, () -> run("attr:cat " + dev));
        assertErrno(Errno.EINVAL, () -> run("attr:ls " + dev + "/brightness"));
        assertErrno(Errno.ENOENT, () -> run("attr:cat " + dev + "/nope"));
        assertErrno(Errno.ENOENT, () -> run("attr:ls /proc"));
        assertErrno(Errno.ENAMETOOLONG, () -> run("attr:cat /" + "x".repeat(300)));
    }

    @Test
    public void aHandleHeldAcrossTheDriverBundlesStopIsOrphanedNotPinning() throws Exception {
        AttributeFile brightness = core.open(dev + "/brightness");
        brightness.write("9\n");
        Bundle vled = bundle("org.drivermodel.driver-vled");
        vled.stop();
        assertErrno(Errno.ENODEV, () -> brightness.read());
        assertErrno(Errno.ENODEV, () -> brightness.write("1\n"));
        assertErrno(Errno.ENOENT, () -> core.open(dev + "/brightness"));
        assertEquals("the device stays, with its bus's files", "1209", run("attr:cat " + dev + "/idVendor"));
        vled.start();
        assertEquals("a new binding starts dark", "0", run("attr:cat " + dev + "/brightness"));
        assertErrno(Errno.ENODEV, () -> brightness.read());
        brightness.close();
    }

    @Test
    public void bindAndUnbindFilesAndSelfRemoval() throws Exception {
        String name = dev.substring("/devices/vbus/".length());
        run("attr:write /bus/vbus/drivers/vled/unbind " + name);
        assertEquals(DeviceState.UNBOUND, core.device(dev).state());
        assertErrno(Errno.ENODEV, () -> run("attr:write /bus/vbus/drivers/vled/unbind " + name));
        run("attr:write /bus/vbus/drivers/vled/bind " + name);
        assertEquals(DeviceState.BOUND, core.device(dev).state());

        run("attr:write " + dev + "/remove 1");
        assertErrno(Errno.ENOENT, () -> core.device(dev));
        assertFalse(vbus.plugged().containsKey(name));
    }
}
