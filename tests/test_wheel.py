"""The wheel carries the migrations and demo data: install it in a fresh venv and open a project."""

from __future__ import annotations

import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_migrates_a_new_project(tmp_path):
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("workbench/_bundled/migrations/versions/0001") for n in names)
    assert "workbench/_bundled/codebooks/working-alliance.yaml" in names

    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    fresh_site = Path(
        subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       capture_output=True, text=True, check=True).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as archive:  # install = unpack the wheel into site-packages
        archive.extractall(fresh_site)
    # Dependencies come from this test environment, after the wheel on sys.path; the checkout does not.
    deps = [p for p in {sysconfig.get_paths()["purelib"], *site.getsitepackages()} if Path(p).is_dir()]
    (fresh_site / "zz_test_deps.pth").write_text("\n".join(deps) + "\n")
    check = (
        "import sys, workbench, workbench.resources as r;"
        "sys.path[:] = [p for p in sys.path if p != %r];"
        "from workbench.store.engine import Project;"
        "from workbench.store.migrate import current_revision, head_revision;"
        "p = Project.open('new.db');"
        "print(workbench.__file__); print(r.bundled('migrations')); print(current_revision(p.engine) == head_revision())"
    ) % str(ROOT)
    result = subprocess.run([python, "-c", check], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    module_file, migrations, at_head = result.stdout.split()
    assert module_file.startswith(str(fresh_site))
    assert migrations.startswith(str(fresh_site)) and "_bundled" in migrations
    assert at_head == "True"
