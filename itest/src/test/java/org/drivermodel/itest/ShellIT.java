package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Optional;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/**
 * The shell commands not driven elsewhere, on their successful paths: listings, device and
 * attribute views, references held and put back by the shell, and driver bundle update and
 * uninstall through the management commands. (Their errors are in {@link BadInputIT}, binding
 * commands in {@link BindingIT}, block commands in {@link BlockIT}, pins in
 * {@link ModuleUnloadIT}, platform commands in {@link PlatformIT}.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ShellIT extends VirtualBusTestBase {

    private String led;

    @Before
    public void setUp() {
        led = vbus.plug("1209:0001");
    }

    @Test
    public void listingsShowDriversPluggedHardwareAndAttributeDirectories() throws Exception {
        String drivers = run("driver:list");
        assertTrue(drivers, drivers.matches("(?s)BUS\\s+DRIVER\\s+BUNDLE\\s+DEVICES\n.*vbus\\s+vled\\s+\\d+\\s+" + led.replace(".", "\\.") + "\n.*"));
        assertTrue(drivers, drivers.contains("platform  vthermal"));
        String plugged = run("vbus:list");
        assertTrue(plugged, plugged.matches("(?s)DEVICE\\s+VENDOR\\s+PRODUCT\n" + led.replace(".", "\\.") + "\\s+1209\\s+0001\n"));
        assertEquals("brightness\ndriver\ndriver_override\nidProduct\nidVendor\nmax_brightness\nremove\nuevent\n",
                run("attr:ls /bus/vbus/devices/" + led));
        String info = run("device:info vbus/" + led);
        assertTrue(info, info.contains("/devices/vbus/" + led) && info.contains("vled"));
    }

    @Test
    public void theShellHoldsAndPutsBackAReference() throws Exception {
        assertTrue(run("usage:hold vbus/" + led).startsWith("holding /devices/vbus/" + led + " as bundle "));
        String report = run("usage:report");
        assertTrue(report, report.matches("(?s)references:\nDEVICE\\s+HOLDER\\s+COUNT\n/devices/vbus/" + led.replace(".", "\\.")
                + "\\s+bundle \\d+ \\(org\\.drivermodel\\.shell\\)\\s+1\n.*"));
        assertEquals("put /devices/vbus/" + led, run("usage:put vbus/" + led));
        assertTrue(run("usage:report"), run("usage:report").startsWith("references: none\n"));
    }

    @Test
    public void aDriverIsStoppedStartedAndWaitedFor() throws Exception {
        assertTrue(run("driver:stop vled").matches("stopped org\\.drivermodel\\.driver-vled \\[\\d+\\]: 1 device\\(s\\) unbound"));
        assertEquals("driver vled: gone", run("driver:wait -g vled 1"));
        Errors.assertErrno(org.drivermodel.error.Errno.ETIMEDOUT, () -> run("driver:wait vled 1"));
        String started = run("driver:start org.drivermodel.driver-vled");
        assertTrue(started, started.matches("started org\\.drivermodel\\.driver-vled \\[\\d+\\]\n  driver vbus/vled: bound "
                + led.replace(".", "\\.")));
        assertEquals("driver vled: registered, bound " + led, run("driver:wait vled 1"));
        Errors.assertErrno(org.drivermodel.error.Errno.ETIMEDOUT, () -> run("driver:wait -g vled 1"));
        Errors.assertErrno(org.drivermodel.error.Errno.EINVAL, () -> run("driver:wait vled 0"));
    }

    @Test
    public void aDriverBundleIsUpdatedThenUninstalledThroughTheShell() throws Exception {
        assertTrue(run("driver:update vled").matches("updated org\\.drivermodel\\.driver-vled \\[\\d+\\]: 1 device\\(s\\) unbound"));
        assertEquals("the new generation bound it", Optional.of("vled"), core.device("vbus/" + led).driver());
        assertTrue(run("driver:uninstall vled").matches("uninstalled org\\.drivermodel\\.driver-vled \\[\\d+\\]: 1 device\\(s\\) unbound"));
        assertEquals(Optional.empty(), core.device("vbus/" + led).driver());
        assertTrue(run("driver:list"), !run("driver:list").contains("vled"));
        assertTrue(run("usage:report"), run("usage:report").endsWith("leaks: none"));
    }
}
