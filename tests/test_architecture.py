"""Guards on the shape of the code: domain packages stay free of web and database frameworks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "simcoach"

PURE_DOMAIN = ("content", "scoring", "sim", "kit", "providers", "llm")
"""Packages that hold the product's logic; the CLI, the web service and the tests all drive them."""

SERVICE_LAYER = ("practice",)
"""Orchestrates domain and store; may use the store but never a web framework."""

WEB = ("fastapi", "starlette", "uvicorn")
DATABASE = ("sqlalchemy", "alembic", "asyncpg", "aiosqlite")
EDGES = ("simcoach.api", "simcoach.cli", "simcoach.store", "simcoach.practice")

MAX_MODULE_LINES = 400


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in a file, relative imports resolved to absolute names."""
    package = ".".join(("simcoach", *path.relative_to(SRC).parent.parts))
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.append((node.lineno, base))
    return found


def _modules(packages: tuple[str, ...]) -> list[Path]:
    return [p for name in packages if (SRC / name).is_dir() for p in sorted((SRC / name).rglob("*.py"))]


def _offenders(packages: tuple[str, ...], banned: tuple[str, ...]) -> list[str]:
    out = []
    for path in _modules(packages):
        for line, module in _imports(path):
            if any(module == b or module.startswith(f"{b}.") for b in banned):
                out.append(f"{path.relative_to(SRC.parent)}:{line} imports {module}")
    return out


def test_domain_packages_import_no_web_or_database_framework() -> None:
    """content, scoring, sim, kit, providers and llm never import FastAPI, Starlette or SQLAlchemy."""
    assert _offenders(PURE_DOMAIN, WEB + DATABASE) == []


def test_domain_packages_do_not_reach_into_the_edges() -> None:
    """Dependencies point inwards: the domain never imports the API, CLI, store or service layer."""
    assert _offenders(PURE_DOMAIN, EDGES) == []


def test_service_layer_imports_no_web_framework() -> None:
    """practice/ is driven by both the websocket and the CLI, so it must not depend on either transport."""
    assert _offenders(SERVICE_LAYER, (*WEB, "simcoach.api", "simcoach.cli")) == []


def test_importing_the_domain_loads_no_framework() -> None:
    """Even indirectly: importing every domain module leaves fastapi and sqlalchemy out of sys.modules."""
    names = [
        ".".join(("simcoach", *path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")
        for path in _modules(PURE_DOMAIN)
    ]
    probe = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB + DATABASE!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_modules_stay_small() -> None:
    """Every module under src/ is at most 400 lines (generated migrations excepted); split the offenders."""
    offenders = [
        f"{path.relative_to(SRC.parent)}: {count} lines"
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert offenders == [], "modules over the limit:\n" + "\n".join(offenders)
