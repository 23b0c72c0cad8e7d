package dev.meridian.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for the tests of pages: Debian's {@code chromium} driven through its {@code chromium-driver}
 * (Selenium), headless. Both come from the system, not a download, so a test checks {@link #installed()} and is
 * skipped without them ({@link #MISSING}); {@code .ci/run} installs them. A module using this adds
 * {@code selenium-chrome-driver} to its test dependencies (optional here, so that the others do not carry it).
 */
public final class HeadlessChromium {

    /** Why a page test was skipped. */
    public static final String MISSING = "needs Debian's chromium and chromium-driver (.ci/run installs them)";

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {}

    public static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /**
     * A fresh browser (its own profile: no cookies, no storage) of {@code width}×{@code height} pixels; the caller
     * quits it.
     */
    public static ChromeDriver start(int width, int height) {
        var options = new ChromeOptions()
                .setBinary(CHROMIUM.toString())
                // As root in a container: no sandbox, and /dev/shm may be too small for a renderer.
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--window-size=" + width + "," + height);
        var driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .build();
        return new ChromeDriver(driver, options);
    }

    /** Starts a browser, hands it to {@code use} and quits it, whatever {@code use} did. */
    public static void use(int width, int height, Consumer<ChromeDriver> use) {
        ChromeDriver browser = start(width, height);
        try {
            use.accept(browser);
        } finally {
            browser.quit();
        }
    }
}
