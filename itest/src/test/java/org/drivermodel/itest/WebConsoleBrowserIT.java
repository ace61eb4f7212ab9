package org.drivermodel.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console page in a real browser: Debian's headless {@code chromium} driven by Selenium
 * through {@code chromium-driver}, against the real Felix distribution
 * ({@link ConsoleDistribution}). Selenium runs in the test JVM, outside any framework: the
 * console is the distribution's, on its own JVM and port, exactly as a user meets it, and
 * Selenium's many libraries never meet a Pax Exam probe or a framework class path.
 *
 * <p>One story: log in, see the tree, plug a device from the shell and see it appear within a
 * second without a reload, read and write an attribute, unbind and bind, stop a pinned driver
 * (EBUSY shown), force the stop and start the bundle again, plug a hostile device from the page
 * and see its fault in the lifetime report. Screenshots go to {@code target/webconsole-*.png}.
 *
 * <p>Without {@code chromium} and {@code chromedriver} it is skipped with one line saying so;
 * with {@code CI=true} their absence fails it.
 */
public class WebConsoleBrowserIT {
    private static final File CHROMIUM = new File(System.getProperty("dm.chromium", "/usr/bin/chromium"));
    private static final File CHROMEDRIVER = new File(System.getProperty("dm.chromedriver", "/usr/bin/chromedriver"));
    /** What "live" means: a device plugged from the shell is on the page within this. */
    private static final Duration LIVE = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Path SHOTS = Path.of(System.getProperty("dm.screenshots", "target"));

    private ConsoleDistribution dist;
    private WebDriver browser;

    @Before
    public void chromiumAndTheDistribution() throws Exception {
        if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
            String missing = "WEBCONSOLE browser test not run: no " + (CHROMIUM.canExecute() ? CHROMEDRIVER : CHROMIUM)
                    + " (apt-get install chromium chromium-driver); the HTTP-level tests (WebConsoleIT) ran";
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true, but " + missing);
            }
            System.out.println(missing);
            Assume.assumeTrue(missing, false);
        }
        dist = new ConsoleDistribution("driver-hostile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1600,1300");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .withLogFile(SHOTS.resolve("chromedriver.log").toFile()).build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
    }

    @After
    public void close() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (dist != null) {
                dist.close();
            }
        }
    }

    private void screenshot(String name) throws Exception {
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve("webconsole-" + name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(browser, timeout, Duration.ofMillis(50)).ignoring(StaleElementReferenceException.class)
                    .withMessage(what).until(condition);
        } catch (RuntimeException e) {
            try {
                screenshot("failed");
            } catch (Exception shot) {
                e.addSuppressed(shot);
            }
            throw new AssertionError(what + " (status: " + text(By.id("dm-status")) + "; screenshot target/webconsole-failed.png)", e);
        }
    }

    private String text(By by) {
        try {
            List<WebElement> found = browser.findElements(by);
            return found.isEmpty() ? null : found.get(0).getText();
        } catch (StaleElementReferenceException e) {
            return null;
        }
    }

    /**
     * @return the text of what {@code by} finds, or "" while nothing is there (not drawn yet, or
     *         redrawn between the find and the read): for the conditions of {@link #await}, which
     *         then look again, where a null made the wait fail at once (under load, the poll's
     *         redraw of a device row did)
     */
    private String textNow(By by) {
        String t = text(by);
        return t == null ? "" : t;
    }

    /** @return true if a device row's text says BOUND (not UNBOUND) */
    private static boolean bound(String row) {
        return row.contains("BOUND") && !row.contains("UNBOUND");
    }

    /** Clicks what {@code by} finds, finding it again if the page redrew it in between. */
    private void click(String what, By by) {
        await("click " + what, WAIT, b -> {
            b.findElement(by).click();
            return true;
        });
    }

    private static By deviceRow(String path) {
        return By.xpath("//div[contains(@class,'dm-device-row') and @data-path='" + path + "']");
    }

    private String status() {
        return text(By.id("dm-status"));
    }

    private void awaitStatus(String contains) {
        await("status containing '" + contains + "'", WAIT, b -> {
            String s = status();
            return s != null && s.contains(contains);
        });
    }

    @Test
    public void theDeviceModelInABrowser() throws Exception {
        // log in: the browser sends the credentials of the URL once and keeps them for the origin;
        // the page is then loaded without them, so that its own requests carry none in their URL
        String page = dist.console() + "/devices";
        browser.get(page.replace("http://", "http://" + ConsoleDistribution.USER + ":" + ConsoleDistribution.PASSWORD + "@"));
        browser.get(page);
        awaitStatus("device model loaded");
        assertEquals("Apache Felix Web Console - Devices", browser.getTitle());

        // the tree: buses with their devices, the platform device bound to vthermal
        await("thermal0 bound in the tree", WAIT, b -> textNow(deviceRow("/devices/platform/thermal0")).contains("BOUND"));
        assertTrue(text(deviceRow("/devices/platform/thermal0")).contains("vthermal"));
        assertTrue(text(deviceRow("/devices/platform/thermal0")).contains("org.drivermodel.driver-sensor"));
        screenshot("1-tree");

        // plugged from the shell: on the page within a second, without a reload
        ((JavascriptExecutor) browser).executeScript("window.dmNotReloaded = true;");
        List<String> plugged = dist.shell("vbus:plug 1209:0001");
        long pluggedAt = System.nanoTime();
        Matcher m = Pattern.compile("plugged (\\S+): bound to vled").matcher(String.join("\n", plugged));
        assertTrue(String.valueOf(plugged), m.find());
        String name = m.group(1);
        String dev = "/devices/vbus/" + name;
        await(dev + " on the page within " + LIVE, LIVE, b -> !b.findElements(deviceRow(dev)).isEmpty());
        long ms = (System.nanoTime() - pluggedAt) / 1_000_000;
        assertEquals("the page was not reloaded", Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.dmNotReloaded;"));
        assertTrue(text(deviceRow(dev)).contains("BOUND"));
        System.out.println("WEBCONSOLE " + dev + " on the page " + ms + " ms after the shell's plug returned");

        // its attributes: read, then write brightness
        click("select " + dev, By.xpath("//a[contains(@class,'dm-select') and @data-path='" + dev + "']"));
        By brightness = By.xpath("//tr[contains(@class,'dm-attribute') and @data-name='brightness']//span[contains(@class,'dm-value')]");
        await("brightness 0", WAIT, b -> "0".equals(text(brightness)));
        assertEquals("1209", text(By.xpath("//tr[contains(@class,'dm-attribute') and @data-name='idVendor']//span[contains(@class,'dm-value')]")));
        assertTrue("idVendor is read-only: no edit field",
                browser.findElements(By.xpath("//tr[contains(@class,'dm-attribute') and @data-name='idVendor']//input")).isEmpty());
        await("type 77", WAIT, b -> {
            WebElement input = b.findElement(By.xpath("//tr[contains(@class,'dm-attribute') and @data-name='brightness']//input"));
            input.clear();
            input.sendKeys("77");
            b.findElement(By.xpath("//tr[contains(@class,'dm-attribute') and @data-name='brightness']//button")).click();
            return true;
        });
        awaitStatus("wrote 77 to " + dev + "/brightness");
        await("brightness 77", WAIT, b -> "77".equals(text(brightness)));
        assertEquals(List.of("77"), dist.shell("attr:cat " + dev + "/brightness"));
        screenshot("2-attributes");

        // unbind, and bind again
        click("Unbind", By.xpath("//div[contains(@class,'dm-device-row') and @data-path='" + dev + "']/button[contains(@class,'dm-unbind')]"));
        awaitStatus("unbound " + name + " from vbus/vled");
        await("UNBOUND in the tree", WAIT, b -> textNow(deviceRow(dev)).contains("UNBOUND"));
        click("Bind vled", By.xpath("//div[contains(@class,'dm-device-row') and @data-path='" + dev + "']/button[contains(@class,'dm-bind') and text()='Bind vled']"));
        awaitStatus("bound " + name + " to vbus/vled");
        await("BOUND again", WAIT, b -> bound(textNow(deviceRow(dev))));

        // a pinned driver: Stop answers EBUSY, Force stop stops it, Start starts it again
        dist.shell("usage:pin vbus/" + name + " mounted, says the browser test");
        await("the pin in the report", WAIT, b -> !b.findElements(By.xpath("//tr[contains(@class,'dm-pin')]")).isEmpty());
        click("Stop vled", By.xpath("//tr[contains(@class,'dm-driver-row') and @data-driver='vled']//button[contains(@class,'dm-stop')]"));
        awaitStatus("EBUSY");
        assertTrue(status(), status().startsWith("EBUSY: "));
        assertTrue(text(deviceRow(dev)).contains("vled"));
        screenshot("3-ebusy");
        click("Force stop vled", By.xpath("//tr[contains(@class,'dm-driver-row') and @data-driver='vled']//button[contains(@class,'dm-force-stop')]"));
        awaitStatus("(forced)");
        await("UNBOUND after the forced stop", WAIT, b -> textNow(deviceRow(dev)).contains("UNBOUND"));
        dist.shell("usage:unpin vbus/" + name);
        click("Start vled's bundle", By.xpath("//tr[contains(@class,'dm-bundle-row') and @data-bundle='org.drivermodel.driver-vled']//button[contains(@class,'dm-start')]"));
        awaitStatus("started org.drivermodel.driver-vled");
        await("BOUND after the start", WAIT, b -> bound(textNow(deviceRow(dev))));

        // a hostile driver's fault, plugged from the page: its probe throws; the report names it
        await("type b4d0:0001", WAIT, b -> {
            WebElement id = b.findElement(By.id("dm-plug-id"));
            id.clear();
            id.sendKeys("b4d0:0001");
            b.findElement(By.id("dm-plug-button")).click();
            return true;
        });
        awaitStatus("plugged b4d0:0001.");
        await("the PROBE fault in the report", WAIT, b -> {
            String leak = text(By.xpath("//tr[contains(@class,'dm-leak-row') and @data-kind='PROBE']"));
            return leak != null && leak.contains("hostile-probe") && leak.contains("EIO");
        });
        // bad input in the page: a malformed id is refused as the shell refuses it
        await("type zz", WAIT, b -> {
            WebElement id = b.findElement(By.id("dm-plug-id"));
            id.clear();
            id.sendKeys("zz");
            b.findElement(By.id("dm-plug-button")).click();
            return true;
        });
        awaitStatus("EINVAL: vbus: malformed id 'zz'");
        click("select " + dev, By.xpath("//a[contains(@class,'dm-select') and @data-path='" + dev + "']"));
        await("brightness shown", WAIT, b -> text(brightness) != null);
        screenshot("4-report");
    }
}
