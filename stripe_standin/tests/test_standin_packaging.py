"""The stand-in stays a development tool: dev requirements only, imported by no app.

`pip install -r requirements.txt` (production) must not bring it in, and no
module of the shop's apps may import it (their tests may). It needs nothing
but the standard library, so it runs before, and without, the shop's settings.
"""

import ast
import sys
import tomllib
from pathlib import Path

import stripe_standin

PROJECT = Path(__file__).resolve().parents[1]  # stripe_standin/, with pyproject.toml
ROOT = PROJECT.parent
APPS = ("buyers", "gallery", "pgp_site", "search", "shop")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def requirement_lines(name: str) -> list[str]:
    lines = (ROOT / name).read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_only_the_development_requirements_install_it():
    assert "-e ./stripe_standin" in requirement_lines("requirements-dev.txt")
    production = " ".join(requirement_lines("requirements.txt")).lower()
    assert "standin" not in production


def test_no_app_module_imports_it():
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        and "stripe_standin" in imported_modules(path)
    ]
    assert offenders == []


def test_the_import_finds_the_installed_package():
    # Not a namespace package made of the project folder at the repository root.
    assert stripe_standin.__file__ is not None
    assert Path(stripe_standin.__file__).parts[-3:] == ("src", "stripe_standin", "__init__.py")
    assert stripe_standin.StripeStandin.__module__ == "stripe_standin.server"


def test_standard_library_only():
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == []
    package = PROJECT / "src" / "stripe_standin"
    outside = {
        name: path.name
        for path in package.glob("*.py")
        for name in imported_modules(path)
        if name not in sys.stdlib_module_names
    }
    assert outside == {}
