"""The wheel carries the product's top-level folders inside the package.

The repository keeps migrations/, templates/ and seeds/ at the top level, beside config.py (the
product's layout). An installed wheel cannot put folders with such names at the top of
site-packages, so the build copies them into compliance/bundled/, where config.BASE_DIR finds
them. An editable install (`pip install -e .`) reads them from the checkout instead.

Everything else about the build is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("migrations", "templates", "seeds")
ASSET = Path("compliance") / "static" / "govuk-frontend.min.css"


class BuildWithProductFolders(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        if not (HERE / ASSET).is_file():
            raise SystemExit(f"{ASSET} is missing: run `make assets` (GOV.UK Frontend from npm) before building")
        target = Path(self.build_lib) / "compliance" / "bundled"
        shutil.rmtree(target, ignore_errors=True)
        for name in BUNDLED:
            shutil.copytree(HERE / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithProductFolders})
