package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The web console page of the Felix distribution at the HTTP level, with a plain HTTP client
 * ({@link HttpClient}): the page, its JSON, its actions, and each kind of bad input refused with
 * its errno and nothing changed: no credentials, wrong credentials, unknown path, malformed id,
 * unknown action, missing token, another origin, a pinned binding. Runs against the real
 * distribution ({@link ConsoleDistribution}), once, in the felix execution (the distribution
 * is Felix).
 */
public class WebConsoleIT {
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
    private static ConsoleDistribution dist;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeClass
    public static void startDistribution() throws Exception {
        dist = new ConsoleDistribution();
    }

    @AfterClass
    public static void stopDistribution() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    private static HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(dist.console() + path)).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(path, ConsoleDistribution.basic(ConsoleDistribution.USER, ConsoleDistribution.PASSWORD));
    }

    private static String token() throws IOException, InterruptedException {
        Matcher m = TOKEN.matcher(get("/devices.json").body());
        assertTrue(m.find());
        return m.group(1);
    }

    /** Posts an action to devices.json with the given headers (Authorization, token, Origin: null = none). */
    private static HttpResponse<String> post(String authorization, String token, String origin, Map<String, String> form)
            throws IOException, InterruptedException {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(dist.console() + "/devices.json")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (token != null) {
            b.header("X-Drivermodel-Token", token);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> action(Map<String, String> form) throws IOException, InterruptedException {
        return post(ConsoleDistribution.basic(ConsoleDistribution.USER, ConsoleDistribution.PASSWORD), token(), null, form);
    }

    private static void assertRefused(HttpResponse<String> r, int status, String errno) {
        assertEquals(r.body(), status, r.statusCode());
        assertTrue(r.body(), r.body().contains("\"errno\":\"" + errno + "\""));
        assertTrue(r.body(), r.body().contains("\"ok\":false"));
    }

    /** @return the name the shell's vbus:plug answered, e.g. 1209:0001.3 */
    private static String plugFromShell(String id) throws Exception {
        List<String> out = dist.shell("vbus:plug " + id);
        Matcher m = Pattern.compile("plugged (\\S+):").matcher(String.join("\n", out));
        assertTrue(String.valueOf(out), m.find());
        return m.group(1);
    }

    /**
     * @return the model as devices.json shows it, for "nothing changed": without the uevent counter,
     *         the token and the uevents, and without the linux bus's devices, which are the host's
     *         network interfaces (other tests on the machine add and delete veth pairs)
     */
    private static String model() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/devices.json");
        assertEquals(r.body(), 200, r.statusCode());
        return r.body().replaceAll("\"sequence\":\\d+,\"token\":\"[^\"]*\",", "").replaceAll("\"uevents\":\\[.*\\]", "")
                .replaceAll("\\{\"path\":\"/devices/linux/[^{}]*(\\{[^{}]*\\}[^{}]*)?\\},?", "")
                .replaceAll("\"/devices/linux/[^\"]*\",?", "");
    }

    @Test
    public void thePageAndItsScriptAreServedWithTheToken() throws Exception {
        HttpResponse<String> page = get("/devices");
        assertEquals(200, page.statusCode());
        assertTrue(page.body(), page.body().contains("<div id=\"dm-page\" data-json=\"/system/console/devices.json\" data-token=\""));
        assertTrue(page.body(), page.body().contains("Apache Felix Web Console - Devices"));
        HttpResponse<String> script = get("/devices/res/ui/devices.js");
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("X-Drivermodel-Token"));
    }

    @Test
    public void theJsonHasBusesDevicesDriversAndTheReport() throws Exception {
        String json = get("/devices.json").body();
        for (String part : List.of("{\"name\":\"vbus\",\"autoprobe\":true", "\"path\":\"/devices/platform/thermal0\"",
                "\"state\":\"BOUND\",\"driver\":\"vthermal\"", "{\"name\":\"vled\",\"bus\":\"vbus\",\"bundle\":{\"id\":",
                "\"symbolicName\":\"org.drivermodel.driver-vled\",\"state\":\"ACTIVE\"", "\"report\":{\"references\":[",
                "\"pins\":[", "\"leaks\":[", "\"uevents\":[", "\"token\":\"")) {
            assertTrue(part + " in " + json, json.contains(part));
        }
    }

    @Test
    public void aDevicePluggedFromTheShellIsInTheJsonWithinASecond() throws Exception {
        String name = plugFromShell("1209:0001");
        long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        String path = "\"path\":\"/devices/vbus/" + name + "\"";
        Pattern add = Pattern.compile("\"type\":\"ADD\",\"devpath\":\"/devices/vbus/" + Pattern.quote(name) + "\"");
        String json;
        do { // the device is listed at once; its ADD uevent comes through EventAdmin's thread, a moment later
            json = get("/devices.json").body();
        } while (!(json.contains(path) && add.matcher(json).find()) && System.nanoTime() < end);
        assertTrue(path + " within 1 s in " + json, json.contains(path));
        assertTrue(json, add.matcher(json).find());
        dist.shell("vbus:unplug " + name);
    }

    @Test
    public void withoutCredentialsEverythingIsRefusedWithEaccesAndNothingChanges() throws Exception {
        String before = model();
        for (String path : List.of("/devices", "/devices.json", "/bundles", "/status-drivermodel-lifetime.txt")) {
            HttpResponse<String> r = get(path, null);
            assertEquals(path, 401, r.statusCode());
            assertTrue(r.body(), r.body().startsWith("EACCES: /system/console: credentials required"));
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));
        }
        HttpResponse<String> wrong = get("/devices.json", ConsoleDistribution.basic(ConsoleDistribution.USER, "admin"));
        assertEquals(401, wrong.statusCode());
        HttpResponse<String> defaultAdmin = get("/devices.json", ConsoleDistribution.basic("admin", "admin"));
        assertEquals("no admin/admin", 401, defaultAdmin.statusCode());
        HttpResponse<String> plug = post(null, token(), null, Map.of("action", "plug", "id", "1209:0001"));
        assertEquals(401, plug.statusCode());
        assertTrue(plug.body().startsWith("EACCES"));
        assertEquals(before, model());
    }

    @Test
    public void anActionWithoutTheTokenIsRefusedWithEaccesAndNothingChanges() throws Exception {
        String name = plugFromShell("1209:0001");
        String before = model();
        String auth = ConsoleDistribution.basic(ConsoleDistribution.USER, ConsoleDistribution.PASSWORD);
        Map<String, String> unplug = Map.of("action", "unplug", "device", name);
        assertRefused(post(auth, null, null, unplug), 403, "EACCES");
        assertRefused(post(auth, "not-the-token", null, unplug), 403, "EACCES");
        // a cross-site form carries the user's Basic credentials, never the token; with it and from another origin: refused too
        assertRefused(post(auth, token(), "http://evil.example", unplug), 403, "EACCES");
        assertEquals(before, model());
        HttpResponse<String> ok = post(auth, token(), "http://127.0.0.1:" + dist.port(), unplug);
        assertEquals(ok.body(), 200, ok.statusCode());
        assertTrue(ok.body(), ok.body().contains("unplugged " + name));
    }

    @Test
    public void anUnknownPathIsRefusedWithEnoentAndNothingChanges() throws Exception {
        String before = model();
        assertRefused(get("/devices.json?path=/devices/vbus/no-such-device"), 404, "ENOENT");
        assertRefused(action(Map.of("action", "write", "path", "/devices/vbus/no-such-device/brightness", "value", "1")), 404, "ENOENT");
        // a device name that does not exist, to unbind: ENODEV, as Linux's unbind_store (and the shell) answers it
        assertRefused(action(Map.of("action", "unbind", "driver", "vbus/vled", "device", "no-such-device")), 410, "ENODEV");
        assertRefused(action(Map.of("action", "stop", "driver", "no-such-driver")), 404, "ENOENT");
        assertRefused(get("/devices/no-such-page.json"), 404, "ENOENT");
        assertEquals(before, model());
    }

    @Test
    public void aMalformedIdIsRefusedWithEinvalAsTheShellRefusesItAndNothingChanges() throws Exception {
        String before = model();
        HttpResponse<String> r = action(Map.of("action", "plug", "id", "zz"));
        assertRefused(r, 400, "EINVAL");
        List<String> shell = dist.shell("vbus:plug zz");
        assertTrue(shell + " vs " + r.body(), String.join("\n", shell).contains("EINVAL: vbus: malformed id 'zz'"));
        assertTrue(r.body(), r.body().contains("EINVAL: vbus: malformed id 'zz'"));
        assertRefused(action(Map.of("action", "bind", "driver", "vled", "device", "x")), 400, "EINVAL");
        assertEquals(before, model());
    }

    @Test
    public void anUnknownActionIsRefusedWithEinvalAndNothingChanges() throws Exception {
        String before = model();
        assertRefused(action(Map.of("action", "format-disk")), 400, "EINVAL");
        assertRefused(action(Map.of("device", "x")), 400, "EINVAL");
        assertRefused(action(Map.of("action", "unplug")), 400, "EINVAL");
        assertEquals(before, model());
    }

    @Test
    public void attributesAreReadAndWrittenAndRefusedWithTheirErrno() throws Exception {
        String name = plugFromShell("1209:0001");
        String dev = "/devices/vbus/" + name;
        String json = get("/devices.json?path=" + dev).body();
        assertTrue(json, json.contains("{\"name\":\"brightness\",\"path\":\"" + dev + "/brightness\",\"mode\":\"0644\",\"writable\":true,\"value\":\"0\"}"));
        assertTrue(json, json.contains("{\"name\":\"idVendor\",\"path\":\"" + dev + "/idVendor\",\"mode\":\"0444\",\"writable\":false,\"value\":\"1209\"}"));
        HttpResponse<String> w = action(Map.of("action", "write", "path", dev + "/brightness", "value", "42"));
        assertEquals(w.body(), 200, w.statusCode());
        assertEquals(List.of("42"), dist.shell("attr:cat " + dev + "/brightness"));
        assertRefused(action(Map.of("action", "write", "path", dev + "/idVendor", "value", "1")), 403, "EACCES");
        assertRefused(action(Map.of("action", "write", "path", dev + "/brightness", "value", "bright")), 400, "EINVAL");
        assertEquals(List.of("42"), dist.shell("attr:cat " + dev + "/brightness"));
        dist.shell("vbus:unplug " + name);
    }

    @Test
    public void aPinnedDriverStopIsRefusedWithEbusyUnlessForcedThenUnbindBindAndStart() throws Exception {
        String name = plugFromShell("1209:0001");
        dist.shell("usage:pin vbus/" + name + " held by WebConsoleIT");
        String before = model();
        HttpResponse<String> busy = action(Map.of("action", "stop", "driver", "vled"));
        assertRefused(busy, 409, "EBUSY");
        assertEquals(before, model());
        assertTrue(get("/devices.json").body().contains("\"reason\":\"held by WebConsoleIT\""));
        HttpResponse<String> forced = action(Map.of("action", "stop", "driver", "vled", "force", "true"));
        assertEquals(forced.body(), 200, forced.statusCode());
        assertTrue(forced.body(), Pattern.compile("stopped org\\.drivermodel\\.driver-vled \\[\\d+\\]: \\d+ device\\(s\\) unbound \\(forced\\)").matcher(forced.body()).find());
        dist.shell("usage:unpin vbus/" + name);
        HttpResponse<String> start = action(Map.of("action", "start", "bundle", "org.drivermodel.driver-vled"));
        assertEquals(start.body(), 200, start.statusCode());
        assertTrue(get("/devices.json?path=vbus/" + name).body().contains("\"state\":\"BOUND\",\"driver\":\"vled\""));
        HttpResponse<String> unbind = action(Map.of("action", "unbind", "driver", "vbus/vled", "device", name));
        assertEquals(unbind.body(), 200, unbind.statusCode());
        assertTrue(get("/devices.json?path=vbus/" + name).body().contains("\"state\":\"UNBOUND\",\"driver\":null"));
        HttpResponse<String> bind = action(Map.of("action", "bind", "driver", "vbus/vled", "device", name));
        assertEquals(bind.body(), 200, bind.statusCode());
        assertTrue(get("/devices.json?path=vbus/" + name).body().contains("\"state\":\"BOUND\",\"driver\":\"vled\""));
        HttpResponse<String> unplug = action(Map.of("action", "unplug", "device", name));
        assertEquals(unplug.body(), 200, unplug.statusCode());
        assertRefused(get("/devices.json?path=vbus/" + name), 404, "ENOENT");
    }

    @Test
    public void driverOverrideIsSetAndClearedAndAMalformedNameIsRefusedWithEinval() throws Exception {
        String name = plugFromShell("1209:0001");
        String before = model();
        assertRefused(action(Map.of("action", "override", "device", "vbus/" + name, "driver", "no such/driver")), 400, "EINVAL");
        assertRefused(action(Map.of("action", "override", "device", "vbus/no-such-device", "driver", "vled")), 404, "ENOENT");
        assertEquals(before, model());
        HttpResponse<String> set = action(Map.of("action", "override", "device", "vbus/" + name, "driver", "none"));
        assertEquals(set.body(), 200, set.statusCode());
        assertTrue(get("/devices.json?path=vbus/" + name).body().contains("\"driverOverride\":\"none\""));
        HttpResponse<String> cleared = action(Map.of("action", "override", "device", "vbus/" + name, "driver", ""));
        assertEquals(cleared.body(), 200, cleared.statusCode());
        assertTrue(get("/devices.json?path=vbus/" + name).body().contains("\"driverOverride\":null"));
        dist.shell("vbus:unplug " + name);
    }

    @Test
    public void theLifetimeReportIsAnInventoryPrinter() throws Exception {
        HttpResponse<String> text = get("/status-drivermodel-lifetime.txt");
        assertEquals(200, text.statusCode());
        assertTrue(text.body(), text.body().contains("drivermodel lifetime report"));
        assertTrue(text.body(), text.body().contains("references:"));
        assertTrue(text.body(), text.body().contains("leaks:"));
        HttpResponse<String> json = get("/status-drivermodel-lifetime.json");
        assertEquals(200, json.statusCode());
        assertTrue(json.body(), json.body().contains("\"leaks\":["));
        assertFalse(text.body().contains("ERROR"));
    }
}
