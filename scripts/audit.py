"""`make audit`: Lighthouse and the Nu HTML checker on every public page type.

    python scripts/audit.py                 # all pages, results in test-artifacts/audit/
    python scripts/audit.py --pages home painting

Seeds the demo gallery into a throwaway SQLite database and media folder, serves
it with the development server as `make run` does (DEBUG off, so error pages
and caching are production's; static files collected, hashed and compressed,
served by WhiteNoise as in production: pgp_site/settings/audit.py), then runs
Lighthouse (mobile, the four categories) with the machine's Chromium and the
Nu HTML checker (vnu.jar, Java) on each page. Lighthouse runs three times a page
(`--runs`) and the median run by performance is reported, as Lighthouse's own
guidance on variability advises; each run's score is printed too. Prints one
line per page; reports that explain a score below 100 are saved as JSON beside
the summary (the median run's as lighthouse-<page>.json). It measures
and passes or fails nothing: axe-core runs in the test suite (tests/test_accessibility.py).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".audit-tools"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TOOL_PACKAGES = ["lighthouse@12.8.2", "vnu-jar@26.9.27"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
OUT = ROOT / "test-artifacts" / "audit"

# Printed by a Django shell in the seeded site: one URL per page type.
FIND_PAGES = """
import json
from gallery.models import (ArticlePage, CollectionPage, GalleryIndexPage, HomePage,
    JournalIndexPage, PaintingPage, StandardPage)
from shop.sale_status import SaleStatus
first = lambda model: model.objects.live().order_by("path").first()
painting = next(p for p in PaintingPage.objects.live().with_sale_status().order_by("path")
                if p.sale_status == SaleStatus.AVAILABLE)
print(json.dumps({
    "home": first(HomePage).url,
    "gallery": first(GalleryIndexPage).url,
    "collection": first(CollectionPage).url,
    "painting": painting.url,
    "journal": first(JournalIndexPage).url,
    "article": first(ArticlePage).url,
    "standard": first(StandardPage).url,
    "search": "/search/?q=sea",
    "cart": "/cart/",
}))
"""


def install_tools():
    if LIGHTHOUSE.exists() and VNU_JAR.exists():
        return
    if not shutil.which("npm"):
        sys.exit("make audit needs npm (Debian: apt-get install npm) to install Lighthouse.")
    print("Installing Lighthouse and the Nu HTML checker into .audit-tools/ …", flush=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(TOOLS),
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--silent",
            *TOOL_PACKAGES,
        ],
        check=True,
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, capture=False):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    ).stdout


def wait_until_up(base_url, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the development server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base_url + "/robots.txt", timeout=5):  # noqa: S310 (our server)
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    sys.exit("the development server did not answer within a minute")


def lighthouse_once(url, report, chromium):
    """One Lighthouse run; Chromium sometimes fails to record a trace (NO_NAVSTART),
    so a failed run is tried again, twice at most."""
    for attempt in range(3):
        run = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ],
            env={**os.environ, "CHROME_PATH": chromium},
        )
        if run.returncode == 0:
            return json.loads(report.read_text())
        print(f"  Lighthouse failed on {url} (attempt {attempt + 1}), trying again", flush=True)
    sys.exit(f"Lighthouse failed three times on {url}")


def lighthouse(url, name, chromium, runs):
    """The median run by performance score, as Lighthouse's own guidance on
    variability advises: one run on a busy machine can lose points to CPU noise."""
    results = []
    for run in range(runs):
        report = OUT / f"lighthouse-{name}-{run + 1}.json"
        results.append((lighthouse_once(url, report, chromium), report))
    results.sort(key=lambda pair: pair[0]["categories"]["performance"]["score"] or 0)
    result, median_report = results[len(results) // 2]
    shutil.copyfile(median_report, OUT / f"lighthouse-{name}.json")
    scores = {key: round(100 * (result["categories"][key]["score"] or 0)) for key in CATEGORIES}
    all_performance = [
        round(100 * (r["categories"]["performance"]["score"] or 0)) for r, _ in results
    ]
    # The audits that cost points, so a score below 100 says why.
    lost = sorted(
        audit["id"]
        for key in CATEGORIES
        for ref in result["categories"][key]["auditRefs"]
        if ref["weight"] and (audit := result["audits"][ref["id"]])["score"] not in (None, 1)
    )
    return scores, lost, all_performance


def nu_errors(pages_html):
    """Runs vnu.jar once over every saved page; returns {name: [messages]}."""
    run = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            *[str(path) for path in pages_html.values()],
        ],
        capture_output=True,
        text=True,
    )
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    by_file = {name: [] for name in pages_html}
    for message in messages:
        for name, path in pages_html.items():
            if message.get("url", "").endswith(path.name):
                by_file[name].append(f"line {message.get('lastLine')}: {message['message']}")
    return by_file


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="*", help="page types to audit (default: all)")
    parser.add_argument(
        "--runs", type=int, default=3, help="Lighthouse runs per page; the median is reported"
    )
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("make audit needs Chromium (Debian: apt-get install chromium).")
    if not shutil.which("java"):
        sys.exit(
            "make audit needs Java for the Nu HTML checker (Debian: apt-get install default-jre)."
        )
    install_tools()
    OUT.mkdir(parents=True, exist_ok=True)

    workdir = Path(tempfile.mkdtemp(prefix="pgp-audit-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pgp_site.settings.audit",
        "AUDIT_STATIC_ROOT": str(workdir / "static"),
        "DATABASE_URL": f"sqlite:///{workdir / 'audit.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "DEBUG": "0",
        "SERVE_MEDIA": "1",
    }
    print("Seeding the demo gallery …", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_gallery")
    manage(env, "collectstatic", "--noinput")
    pages = json.loads(
        manage(env, "shell", "-v", "0", "--no-imports", "-c", FIND_PAGES, capture=True)
    )
    if args.pages:
        pages = {name: path for name, path in pages.items() if name in args.pages}

    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base_url, server)
        saved_html, rows = {}, {}
        for name, path in pages.items():
            with urllib.request.urlopen(base_url + path) as response:  # noqa: S310 (our server)
                saved_html[name] = OUT / f"{name}.html"
                saved_html[name].write_bytes(response.read())
            rows[name] = lighthouse(base_url + path, name, chromium, args.runs)
            print(f"  {name}: done", flush=True)
        errors = nu_errors(saved_html)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)

    header = (
        f"{'page':<12}{'perf':>6}{'a11y':>6}{'best':>6}{'seo':>6}{'Nu errors':>11}"
        f"  {'perf of each run':<18}points lost to"
    )
    lines = [header, "-" * len(header)]
    for name, (scores, lost, all_performance) in rows.items():
        values = "".join(f"{scores[key]:>6}" for key in CATEGORIES)
        each_run = " ".join(str(score) for score in all_performance)
        lines.append(
            f"{name:<12}{values}{len(errors[name]):>11}  {each_run:<18}{', '.join(lost) or '-'}"
        )
    for name, messages in errors.items():
        lines += [f"Nu checker, {name}: {message}" for message in messages]
    summary = "\n".join(lines)
    (OUT / "summary.txt").write_text(summary + "\n")
    print("\n" + summary)


if __name__ == "__main__":
    main()
