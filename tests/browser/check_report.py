#!/usr/bin/python3
"""Opens an inx HTML report in headless Chromium, as a person would from a file:// URL, and checks that it renders.

Usage: /usr/bin/python3 tests/browser/check_report.py REPORT.html SCREENSHOT.png [SECTION_SELECTOR]

Checks that every <img> loaded, that the console has no SEVERE entry, and that there is at least one section
(SECTION_SELECTOR, default "section.image": an image of report.html; global.html uses "section[id^=class-]");
saves a full-page screenshot. Exit 0 when all hold, 1 when one fails, 77 (CTest's skip code) when
selenium, chromium or chromedriver is missing.
"""

import base64
import os
import shutil
import sys

SKIP = 77
CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
DRIVER = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]

# Per <img>: did it load? Reported by src so a failure names the broken file.
IMAGES_JS = """
return Array.from(document.images).map(i => ({src: i.getAttribute('src'), resolved: i.currentSrc || i.src,
                                              ok: i.complete && i.naturalWidth > 0}));
"""
# Images below the first screen may still be decoding when the load event fires (lazy hints, slow disks):
# wait until each has settled one way or the other before judging it.
SETTLED_JS = "return Array.from(document.images).every(i => i.complete);"
FULL_HEIGHT_JS = "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight);"


def first_existing(paths):
    for p in paths:
        if os.path.exists(p):
            return p
    return None


def save_full_screenshot(driver, shot):
    """The whole page, not just the window: Chromium's DevTools capture beyond the viewport, height capped so a
    report of thousands of images still gives a picture of sane size."""
    height = min(int(driver.execute_script(FULL_HEIGHT_JS)), 16000)
    width = int(driver.execute_script("return document.documentElement.scrollWidth;"))
    try:
        png = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})["data"]
        with open(shot, "wb") as f:
            f.write(base64.b64decode(png))
    except Exception:  # an older driver without DevTools commands: the tallest window it allows instead
        driver.set_window_size(1280, max(height + 200, 600))
        driver.save_screenshot(shot)


def main(argv):
    if len(argv) not in (3, 4):
        print("usage: check_report.py REPORT.html SCREENSHOT.png [SECTION_SELECTOR]", file=sys.stderr)
        return 2
    report, shot = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    selector = argv[3] if len(argv) == 4 else "section.image"
    if not os.path.isfile(report):
        print(f"FAIL: {argv[1]}: no such file")
        return 1
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError as e:
        print(f"SKIP: selenium is not installed ({e}); install python3-selenium")
        return SKIP
    browser = first_existing(CHROMIUM)
    driver_bin = first_existing(DRIVER) or shutil.which("chromedriver")
    if browser is None or driver_bin is None:
        print("SKIP: chromium or chromedriver is missing; install chromium and chromium-driver")
        return SKIP

    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
              "--disable-dev-shm-usage", "--window-size=1280,2000", "--hide-scrollbars"]:
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})

    driver = None
    try:
        try:
            driver = webdriver.Chrome(service=Service(executable_path=driver_bin), options=opts)
        except Exception as e:  # a browser that cannot start here is a missing tool, not a broken report
            print(f"SKIP: chromium did not start ({str(e).splitlines()[0] if str(e) else type(e).__name__})")
            return SKIP
        driver.set_page_load_timeout(60)
        driver.set_script_timeout(60)
        driver.get("file://" + report)
        try:
            WebDriverWait(driver, 30).until(lambda d: d.execute_script(SETTLED_JS))
        except Exception:
            pass  # the unsettled ones are reported as not loaded below

        failures = []
        imgs = driver.execute_script(IMAGES_JS)
        broken = [i for i in imgs if not i["ok"]]
        for i in broken:
            failures.append(f"image did not load: src={i['src']!r} ({i['resolved']})")
        sections = driver.execute_script("return document.querySelectorAll(arguments[0]).length;", selector)
        if sections < 1:
            failures.append(f"no section ({selector}) on the page")
        logs = driver.get_log("browser")
        severe = [e for e in logs if e.get("level") == "SEVERE"]
        for e in severe:
            failures.append(f"console: {e.get('message', '').strip()}")

        save_full_screenshot(driver, shot)

        if failures:
            print(f"report FAILED: {len(imgs) - len(broken)} of {len(imgs)} images loaded, "
                  f"{len(severe)} console errors, {sections} sections")
            for f in failures:
                print("  " + f)
            return 1
        print(f"report ok: {len(imgs)} images loaded, {len(severe)} console errors, {sections} sections")
        return 0
    except Exception as e:
        print(f"FAIL: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
        return 1
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:
                pass


if __name__ == "__main__":
    sys.exit(main(sys.argv))
