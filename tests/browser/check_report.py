#!/usr/bin/env python3
"""Opens an HTML report in headless Chromium (through ChromeDriver, standard library only) and checks
that it loads with no console error, that every chart is an SVG with a non-zero size, that the page
fits an A4 width (794 CSS px at 96 dpi) and that a screenshot is not blank.

Usage: check_report.py REPORT.html SCREENSHOT.png
Prints one line per finding; exits 1 on the first failed check.
"""
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

A4_WIDTH_PX = 794  # 210 mm at 96 dpi
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", f"--window-size={A4_WIDTH_PX},1123",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read().decode())["value"]


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def main():
    report, shot = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    port = free_port()
    driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if call(port, "GET", "/status").get("ready"):
                    break
            except OSError:
                time.sleep(0.1)
        profile = tempfile.mkdtemp(prefix="demine-chromium-")
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": FLAGS + [f"--user-data-dir={profile}"]},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}}
        session = call(port, "POST", "/session", caps)["sessionId"]
        base = f"/session/{session}"
        try:
            call(port, "POST", f"{base}/url", {"url": "file://" + report})
            page = call(port, "POST", f"{base}/execute/sync", {"script": """
                const svgs = [...document.querySelectorAll('figure svg')];
                return {
                  title: document.title,
                  figures: document.querySelectorAll('figure').length,
                  svgs: svgs.map(e => { const r = e.getBoundingClientRect();
                                        return [r.width, r.height, e.querySelectorAll('text').length,
                                                e.querySelectorAll('polyline, polygon, rect, circle').length]; }),
                  scrollWidth: document.documentElement.scrollWidth,
                  innerWidth: window.innerWidth,
                  scripts: document.querySelectorAll('script').length,
                };""", "args": []})
            logs = call(port, "POST", f"{base}/se/log", {"type": "browser"})
            errors = [e for e in logs if e.get("level") == "SEVERE"]
            if errors:
                fail(f"console errors: {errors}")
            print(f"loaded '{page['title']}' with no console error ({len(logs)} console entries)")
            if page["scripts"]:
                fail("the report contains a script")
            if page["figures"] == 0 or len(page["svgs"]) != page["figures"]:
                fail(f"{page['figures']} figures but {len(page['svgs'])} SVG charts")
            for i, (w, h, texts, marks) in enumerate(page["svgs"]):
                if not (w > 100 and h > 100):
                    fail(f"chart {i + 1} is {w} x {h} px")
                if texts < 5 or marks < 3:
                    fail(f"chart {i + 1} has {texts} labels and {marks} marks")
            print(f"{len(page['svgs'])} charts, each visible: sizes "
                  + ", ".join(f"{w:.0f}x{h:.0f}" for w, h, _, _ in page["svgs"]))
            if page["scrollWidth"] > page["innerWidth"]:
                fail(f"the page is {page['scrollWidth']} px wide in a {page['innerWidth']} px (A4) window")
            print(f"fits an A4 width: {page['scrollWidth']} px in {page['innerWidth']} px")
            png = base64.b64decode(call(port, "GET", f"{base}/screenshot"))
            with open(shot, "wb") as f:
                f.write(png)
            # A blank A4 window compresses to a few KB; text and charts take far more.
            if len(png) < 30_000:
                fail(f"the screenshot is {len(png)} bytes: blank?")
            print(f"screenshot {shot}: {len(png)} bytes")
        finally:
            call(port, "DELETE", base)
    finally:
        driver.terminate()
        driver.wait(timeout=10)


if __name__ == "__main__":
    main()
