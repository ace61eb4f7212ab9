package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;

import org.drivermodel.api.Device;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A sweep of bad input through the shell, as a user types it (docs/design.md §2, invariant 8):
 * attribute values,
 * writes to read-only files, paths, and command arguments our commands check. Each case must
 * fail with its Linux code, name the object in a one-line message, and change nothing: the
 * device tree, the bindings, the LED's brightness, the pins and the leak history are compared
 * before and after every case.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadInputIT extends VirtualBusTestBase {

    private String led;
    private String ledPath;

    @Before
    public void setUp() throws Exception {
        led = vbus.plug("1209:0001");
        ledPath = "/bus/vbus/devices/" + led;
        run("attr:write " + ledPath + "/brightness 42");
    }

    @After
    public void tearDown() {
        unplugAll();
    }

    /** What must not change: devices with their state and driver, the LED's value, pins, leaks. */
    private List<String> snapshot() {
        List<String> s = new ArrayList<>();
        for (Device d : core.devices()) {
            s.add(d.path() + " " + d.state() + " " + d.driver().orElse("-") + " " + d.driverOverride().orElse("-"));
        }
        s.add("brightness " + read(ledPath + "/brightness").strip());
        s.add("pins " + core.report().pins());
        s.add("leaks " + core.report().leaks().size());
        s.add("autoprobe " + core.autoprobe("vbus"));
        return s;
    }

    private void refused(Errno errno, String command, String object) {
        List<String> before = snapshot();
        try {
            session().execute(command);
            fail("accepted: " + command);
        } catch (DriverModelException e) {
            assertEquals(command + " -> " + e.getMessage(), errno, e.errno());
            assertTrue(command + " -> " + e.getMessage(), e.getMessage().startsWith(errno.name() + ": "));
            assertTrue(command + " -> " + e.getMessage() + " names " + object, e.getMessage().contains(object));
            assertTrue("one line: " + e.getMessage(), !e.getMessage().contains("\n"));
        } catch (Exception e) {
            throw new AssertionError(command + " failed without a Linux code: " + e, e);
        }
        assertEquals("nothing changed by: " + command, before, snapshot());
    }

    @Test
    public void badAttributeValuesAreRefused() {
        String b = ledPath + "/brightness";
        String object = "/devices/vbus/" + led + "/brightness";
        refused(Errno.EINVAL, "attr:write " + b + " bright", object);                    // not a number
        refused(Errno.ERANGE, "attr:write " + b + " 99999999999999999999999", object);  // overflow
        refused(Errno.EINVAL, "attr:write " + b + " -5", object);                        // negative
        refused(Errno.EINVAL, "attr:write " + b + " ''", object);                        // empty
        refused(Errno.EINVAL, "attr:write " + b + " " + "7".repeat(4000) + "x", object); // very long
        refused(Errno.EINVAL, "attr:write " + b + " \uff11\uff12", object);              // non-ASCII digits
        refused(Errno.EINVAL, "attr:write " + b + " 0x", object);                        // a bare prefix
        refused(Errno.EINVAL, "attr:write " + b + " 1.5", object);                       // a fraction
        refused(Errno.EINVAL, "attr:write /bus/vbus/drivers_autoprobe maybe", "drivers_autoprobe");
        refused(Errno.EINVAL, "attr:write " + ledPath + "/remove 2", "remove");
    }

    @Test
    public void writesToReadOnlyAttributesAreRefused() {
        refused(Errno.EACCES, "attr:write " + ledPath + "/max_brightness 1", "max_brightness");
        refused(Errno.EACCES, "attr:write " + ledPath + "/idVendor 1234", "idVendor");
        refused(Errno.EACCES, "attr:write " + ledPath + "/idProduct 1234", "idProduct");
        refused(Errno.EACCES, "attr:cat /bus/vbus/drivers/vled/bind", "bind");         // write-only
    }

    @Test
    public void badPathsAreRefused() {
        refused(Errno.EINVAL, "attr:cat /devices/vbus/../vbus/" + led + "/brightness", "..");
        refused(Errno.EINVAL, "attr:cat /devices//vbus/" + led + "/brightness", "//");
        refused(Errno.EINVAL, "attr:cat /devices/vbus/" + led + "/brightness/", "brightness/");
        refused(Errno.ENOENT, "attr:cat /devices/vbus/none/brightness", "none");
        refused(Errno.ENOENT, "attr:cat /proc/self/status", "/proc");
        refused(Errno.ENAMETOOLONG, "attr:cat /devices/" + "x".repeat(5000), "/devices/");
        refused(Errno.EINVAL, "attr:cat devices/vbus", "devices/vbus");                  // relative
        refused(Errno.EINVAL, "attr:cat /devices/vbus", "/devices/vbus");                // a directory
        refused(Errno.EINVAL, "attr:ls " + ledPath + "/brightness", "brightness");      // not a directory
        refused(Errno.ENOENT, "device:info vbus/none", "none");
        refused(Errno.EINVAL, "device:info /devices/vbus/../x", "/devices/vbus/../x");
    }

    @Test
    public void missingExtraAndWronglyTypedArgumentsAreRefusedWithTheUsage() {
        refused(Errno.EINVAL, "attr:cat", "usage: attr:cat <path>; got 0 arguments");                         // missing
        refused(Errno.EINVAL, "attr:cat " + ledPath + "/brightness extra", "usage: attr:cat <path>; got 2");  // extra
        refused(Errno.EINVAL, "attr:write " + ledPath + "/brightness", "usage: attr:write <path> <value>");   // missing value
        refused(Errno.EINVAL, "attr:write " + ledPath + "/brightness 1 2", "got 3 arguments");                // extra
        refused(Errno.EINVAL, "attr:ls", "usage: attr:ls <directory>");
        refused(Errno.EINVAL, "vbus:plug", "usage: vbus:plug <vvvv:pppp>");
        refused(Errno.EINVAL, "vbus:plug 1209:0001 1209:0002", "got 2 arguments");
        refused(Errno.EINVAL, "vbus:unplug", "usage: vbus:unplug <name>");
        refused(Errno.EINVAL, "device:info", "usage: device:info <device>");
        refused(Errno.EINVAL, "device:override vbus/" + led, "usage: device:override");
        refused(Errno.EINVAL, "driver:bind vbus/vled", "usage: driver:bind <bus>/<driver> <device>");
        refused(Errno.EINVAL, "driver:unbind vbus/vled " + led + " more", "got 3 arguments");
        refused(Errno.EINVAL, "driver:start", "usage: driver:start <bundle>");
        refused(Errno.EINVAL, "bus:autoprobe vbus", "usage: bus:autoprobe <bus> 1|0");
        refused(Errno.EINVAL, "block:read ram0 first 512", "usage: block:read <disk> <offset> <length>");  // wrong type
        refused(Errno.EINVAL, "block:read ram0 0 many", "usage: block:read");                              // wrong type
        refused(Errno.EINVAL, "block:write ram0 zero text", "usage: block:write");                         // wrong type
        refused(Errno.EINVAL, "usage:hold", "usage: usage:hold <device>");
        refused(Errno.EINVAL, "usage:unpin a b", "got 2 arguments");
    }

    @Test
    public void badCommandArgumentsAreRefused() {
        refused(Errno.EINVAL, "vbus:plug 12:34", "12:34");
        refused(Errno.EINVAL, "vbus:plug zzzz:0001", "zzzz:0001");
        refused(Errno.ENOENT, "vbus:unplug 1209:0001.999", "1209:0001.999");
        refused(Errno.EINVAL, "driver:bind vled " + led, "vled");                        // not bus/driver
        refused(Errno.ENODEV, "driver:bind vbus/vled nosuch", "nosuch");                 // as Linux bind_store
        refused(Errno.ENODEV, "driver:unbind vbus/vled nosuch", "nosuch");               // as unbind_store
        refused(Errno.EBUSY, "driver:bind vbus/vled " + led, led);                       // bound already
        refused(Errno.ENOENT, "driver:unbind vbus/nosuch " + led, "nosuch");
        refused(Errno.ENOENT, "driver:stop nosuchdriver", "nosuchdriver");
        refused(Errno.ENOENT, "driver:start no.such.bundle", "no.such.bundle");
        refused(Errno.ENOENT, "device:override vbus/none vled", "none");
        refused(Errno.EINVAL, "device:override vbus/" + led + " bad/name", "driver_override");
        refused(Errno.EINVAL, "usage:pin vbus/" + led + " ''", led);                    // no reason
        refused(Errno.ENOENT, "usage:unpin vbus/" + led, led);                          // not pinned
        refused(Errno.ENOENT, "usage:put vbus/" + led, led);                            // not held
        refused(Errno.EINVAL, "device:wait vbus/" + led + " 0", "device:wait");
        refused(Errno.ENOENT, "block:read nosuch 0 512", "nosuch");
        refused(Errno.EINVAL, "block:load ram0 0 100", "block:load");                    // no threads
        refused(Errno.EINVAL, "block:load ram0 4 0", "block:load");                      // no time
        refused(Errno.ENOENT, "block:loadwait 5", "block:loadwait");                    // nothing running
    }
}
