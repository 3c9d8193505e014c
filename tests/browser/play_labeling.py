#!/usr/bin/python3
"""Plays the labelling game (labeling.html) in headless Chromium from a file:// URL, as a person would with the
keyboard and the mouse, and checks the records it exports.

Usage: /usr/bin/python3 tests/browser/play_labeling.py LABELING.html SCREENSHOT.png OUT.json

Plays: card 1 revealed twice with R, guessed with its true class by digit key, a text typed, answered with Enter;
card 2 skipped with S; card 3 answered by the mouse at level 0 with no guess and a text holding a comma and quotes.
Then reloads the page (progress must come back from local storage), checks the score and the exported JSON and CSV
(the page's own export functions), writes the JSON records to OUT.json (for `inx global`) and saves a screenshot.
Exit 0 when everything holds, 1 when something fails, 77 when selenium or chromium is missing.
"""
import csv
import io
import json
import os
import shutil
import sys

SKIP = 77
CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
DRIVER = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]


def first(paths):
    return next((p for p in paths if os.path.exists(p)), None)


def main(argv):
    if len(argv) != 4:
        print("usage: play_labeling.py LABELING.html SCREENSHOT.png OUT.json", file=sys.stderr)
        return 2
    page, shot, out = (os.path.abspath(a) for a in argv[1:])
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
    except ImportError as e:
        print(f"SKIP: selenium is not installed ({e})")
        return SKIP
    browser, driver_bin = first(CHROMIUM), first(DRIVER) or shutil.which("chromedriver")
    if browser is None or driver_bin is None:
        print("SKIP: chromium or chromedriver is missing")
        return SKIP
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,1300"]:
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        d = webdriver.Chrome(service=Service(executable_path=driver_bin), options=opts)
    except Exception as e:
        print(f"SKIP: chromium did not start ({str(e).splitlines()[0] if str(e) else type(e).__name__})")
        return SKIP
    fails = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            fails.append(what)

    try:
        d.get("file://" + page)
        data = json.loads(d.find_element(By.ID, "data").get_attribute("textContent"))
        cards = data["cards"]
        check(len(cards) >= 3, f"{len(cards)} cards (need 3 to play)")
        if len(cards) < 3:
            return 1
        body = d.find_element(By.TAG_NAME, "body")
        pic = d.find_element(By.ID, "pic")
        check(pic.get_attribute("src") == cards[0]["reveals"][0], "card 1 starts at level 0 (2 %)")
        ok = d.execute_script("return document.getElementById('pic').complete && "
                              "document.getElementById('pic').naturalWidth > 0;")
        check(ok, "the reveal picture decodes")
        body.send_keys("r")
        body.send_keys(" ")
        check(pic.get_attribute("src") == cards[0]["reveals"][2], "R and Space reveal two levels more")
        check(d.find_element(By.ID, "shown").text == "8 % shown", "the page says 8 % shown")
        truth = cards[0]["truth"]
        if truth < 10:
            body.send_keys(str(truth))
        else:
            d.find_element(By.ID, f"guess-{truth}").click()
        check("sel" in d.find_element(By.ID, f"guess-{truth}").get_attribute("class"), "the guess is selected")
        body.send_keys("t")
        text = d.find_element(By.ID, "text")
        text.send_keys("Round heel\u2019s edge")
        text.send_keys(Keys.ENTER)
        check(d.find_element(By.ID, "score").text == str(10 * (6 - 2) + 30), "score 70 after a right guess at level 2")
        check("right guess" in d.find_element(By.ID, "feedback").text, "feedback says the guess was right")
        body.send_keys("s")  # card 2 skipped
        check(d.find_element(By.ID, "progress").text.startswith("3 /"), "S skips to card 3")
        d.find_element(By.ID, "text").send_keys('laces, "criss-cross"')
        d.find_element(By.ID, "answer").click()
        check(d.find_element(By.ID, "score").text == "130", "score 130 after a level-0 answer without a guess")
        d.refresh()
        check(d.find_element(By.ID, "score").text == "130" and
              d.find_element(By.ID, "progress").text.startswith(f"{min(4, len(cards))} /"),
              "progress and score survive a reload (local storage)")
        check(d.find_element(By.ID, "answered").text == "2", "2 answers after the reload")
        exported = json.loads(d.find_element(By.ID, "export").get_attribute("value"))
        recs = exported["records"]
        want0 = {"image": cards[0]["image"], "layer": cards[0]["layer"], "cluster": cards[0]["cluster"],
                 "text": "Round heel\u2019s edge", "level": 2, "guess": truth}
        want1 = {"image": cards[2]["image"], "layer": cards[2]["layer"], "cluster": cards[2]["cluster"],
                 "text": 'laces, "criss-cross"', "level": 0, "guess": None}
        check(recs == [want0, want1], f"exported JSON records {recs}")
        rows = list(csv.DictReader(io.StringIO(d.execute_script("return csv();"))))
        check(len(rows) == 2 and rows[1]["text"] == 'laces, "criss-cross"' and rows[1]["guess"] == "" and
              rows[0]["level"] == "2" and rows[0]["guess"] == str(truth), f"exported CSV rows {rows}")
        severe = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
        check(not severe, f"no console errors ({severe[:2]})")
        with open(out, "w", encoding="utf-8") as f:
            json.dump(exported, f)
        # A fresh card for the screenshot: what a player sees.
        d.execute_script("localStorage.clear();")
        d.refresh()
        d.find_element(By.TAG_NAME, "body").send_keys("r")
        d.save_screenshot(shot)
    except Exception as e:
        fails.append(f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
        print("FAIL " + fails[-1])
    finally:
        d.quit()
    print("labeling page ok" if not fails else f"labeling page FAILED ({len(fails)})")
    return 0 if not fails else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
