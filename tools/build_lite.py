"""Build the browser edition of the course: a JupyterLite site in _site/ that installs nothing.

    python tools/build_lite.py [--out _site] [--assessment] [--wheels-from FILE_OR_URL]

The site holds the lessons (notebooks/) and exercise sets (exercises/) of a student release
(`pactlab release`, so never solutions/; with --assessment, no answer keys), JupyterLab with the
widgets frontend, the Pyodide runtime and every wheel the kernel loads: numpy, pandas,
matplotlib, IPython, ipywidgets, and the course itself as two wheels made here, `pactlab` (the
student runtime) and `pactlab_course` (the compiled banks and data/). `import pactlab` in a
notebook loads them all from the site; PyPI is never asked (piplite's fallback is off).

Sources, all from the package registries, cached in $PACTLAB_LITE_CACHE (default
~/.cache/pactlab-lite) so a second build downloads nothing:
- the build tools (jupyterlite-core and the Pyodide kernel), in a virtualenv of their own;
- the npm package `pyodide` (runtime and official `pyodide-lock.json`, both sha256-checked);
- the lock's wheels from the carrier named in lite/pins.toml, or Pyodide's release archive
  with --wheels-from; pure-Python ones it lacks from the package index. Every wheel must match
  the sha256 of the official lock, else the build stops.
Versions: lite/pins.toml (and constraints.txt for ipywidgets, comm, jupyter_server and
jupyterlab_widgets).
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "lite" / "pins.toml"
START = "notebooks/00_start_here.ipynb"
EPOCH = 1719792000  # file times when there is no git history (else: the last commit's time)
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "pyodide.js",
                 "python_stdlib.zip", "package.json")
COURSE_PACKAGE = "pactlab_course"


class BuildError(Exception):
    pass


def source_epoch() -> int:
    """The time stamped on every file of the site: $SOURCE_DATE_EPOCH, else the last commit's
    time, so that one commit always builds the same bytes."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    proc = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, text=True,
                          capture_output=True)
    return int(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else EPOCH


def say(message: str) -> None:
    print(f"[lite] {message}", flush=True)


def cache_dir() -> Path:
    env = os.environ.get("PACTLAB_LITE_CACHE")
    base = Path(env).expanduser() if env else (
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pactlab-lite")
    base.mkdir(parents=True, exist_ok=True)
    return base


def load_pins() -> dict:
    try:
        import tomllib
    except ImportError:
        raise BuildError("building the browser edition needs Python 3.11 or newer (tomllib); "
                         "make .venv with it: make distclean && make lite PYTHON=python3.11")
    with open(PINS, "rb") as fh:
        return tomllib.load(fh)


def constraint(name: str) -> str:
    """The course's pinned version of `name` in constraints.txt."""
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^ ;]+)", line)
        if m and canonical(m.group(1)) == canonical(name):
            return m.group(2)
    raise BuildError(f"constraints.txt pins no version of {name}")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(cmd, text=True, capture_output=True, **kw)
    except FileNotFoundError:
        hint = " (Node.js's npm: on Debian/Ubuntu `apt-get install npm`)" if cmd[0] == "npm" else ""
        raise BuildError(f"{cmd[0]} is not installed{hint}; it is needed to build the browser "
                         "edition") from None
    if proc.returncode:
        raise BuildError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                         f"{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    return proc


def pip_download(specs: list[str], dest: Path, python_version: str | None = None) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
           "--only-binary=:all:", "-d", str(dest)]
    if python_version:
        cmd += ["--python-version", python_version]
    run(cmd + specs)


# ---- the build tools --------------------------------------------------------------------------
def build_env(pins: dict) -> Path:
    """A virtualenv with jupyterlite-core and the Pyodide kernel, made once per set of pins."""
    reqs = pins["build"]["requirements"]
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    key = hashlib.sha256(json.dumps([reqs, constraints, sys.version]).encode()).hexdigest()[:12]
    venv = cache_dir() / f"build-env-{key}"
    jupyter = venv / "bin" / "jupyter"
    if (venv / ".complete").exists() and jupyter.exists():
        return venv
    say(f"making the build environment {venv} ...")
    shutil.rmtree(venv, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(venv)])
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *reqs,
         "-c", str(ROOT / "constraints.txt")])
    (venv / ".complete").write_text("ok\n")
    return venv


# ---- Pyodide: runtime and lock ------------------------------------------------------------------
def pyodide_runtime(pins: dict) -> tuple[Path, dict]:
    """The npm package's files (checked), unpacked in the cache, and the official lock."""
    version = pins["pyodide"]["version"]
    folder = cache_dir() / "npm"
    folder.mkdir(exist_ok=True)
    tgz = folder / f"pyodide-{version}.tgz"
    if not tgz.exists() or sha256(tgz) != pins["pyodide"]["npm_sha256"]:
        say(f"npm pack pyodide@{version} ...")
        tgz.unlink(missing_ok=True)
        run(["npm", "pack", f"pyodide@{version}", "--pack-destination", str(folder)])
    got = sha256(tgz)
    if got != pins["pyodide"]["npm_sha256"]:
        raise BuildError(f"{tgz}: sha256 {got} is not the pinned npm_sha256 of lite/pins.toml "
                         f"({pins['pyodide']['npm_sha256']}); nothing was built")
    unpacked = folder / f"pyodide-{version}"
    if not (unpacked / "pyodide-lock.json").exists():
        shutil.rmtree(unpacked, ignore_errors=True)
        with tarfile.open(tgz) as tf:
            try:
                tf.extractall(unpacked, filter="data")
            except TypeError:  # Python before 3.11.4 has no extraction filters
                tf.extractall(unpacked)
    package = unpacked / "package"
    lock_path = package / "pyodide-lock.json"
    got = sha256(lock_path)
    if got != pins["pyodide"]["lock_sha256"]:
        raise BuildError(f"{lock_path}: sha256 {got} is not the pinned lock_sha256 "
                         f"({pins['pyodide']['lock_sha256']}); nothing was built")
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    return package, lock


def closure(lock: dict, roots: list[str]) -> list[str]:
    packages = lock["packages"]
    seen: list[str] = []
    stack = list(reversed(roots))
    while stack:
        name = canonical(stack.pop())
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"lite/pins.toml asks for {name!r}, which Pyodide "
                             f"{lock['info'].get('version', '')} does not have")
        seen.append(name)
        stack.extend(packages[name].get("depends", []))
    return sorted(seen)


# ---- the lock's wheels -----------------------------------------------------------------------
class WheelSource:
    """Wheels by file name from the carrier (a wheel holding a Pyodide folder) or a Pyodide
    release archive; every file is checked by the caller against the official lock."""

    def __init__(self, pins: dict, wheels_from: str | None):
        self.pins, self.wheels_from = pins, wheels_from
        self._names: dict[str, tuple[str, str]] | None = None

    def _open(self):
        if self.wheels_from:
            path = self._archive()
            return "tar", path
        spec = self.pins["wheels"]["carrier"]
        folder = cache_dir() / "carrier"
        folder.mkdir(exist_ok=True)
        name = canonical(spec.split("==")[0]).replace("-", "_")
        found = sorted(folder.glob(f"{name}-{spec.split('==')[1]}-*.whl"))
        if not found:
            say(f"downloading the carrier {spec} (once) ...")
            pip_download([spec], folder)
            found = sorted(folder.glob(f"{name}-{spec.split('==')[1]}-*.whl"))
        if not found:
            raise BuildError(f"pip downloaded no wheel of {spec} into {folder}")
        return "zip", found[0]

    def _archive(self) -> Path:
        src = self.wheels_from
        if re.match(r"^https?://", src):
            dest = cache_dir() / "release" / src.rsplit("/", 1)[-1]
            dest.parent.mkdir(exist_ok=True)
            if not dest.exists():
                say(f"downloading {src} ...")
                with urllib.request.urlopen(src) as resp, open(f"{dest}.part", "wb") as fh:
                    shutil.copyfileobj(resp, fh)
                os.replace(f"{dest}.part", dest)
            return dest
        return Path(src).expanduser().resolve()

    def names(self) -> dict[str, tuple[str, str]]:
        """file name -> (kind, member)"""
        if self._names is None:
            kind, path = self._open()
            self.kind, self.path = kind, path
            self._names = {}
            if kind == "zip":
                prefix = self.pins["wheels"]["carrier_folder"]
                with zipfile.ZipFile(path) as zf:
                    for member in zf.namelist():
                        if member.startswith(prefix) and member.endswith(".whl"):
                            self._names[member.rsplit("/", 1)[-1]] = (kind, member)
            else:
                with tarfile.open(path) as tf:
                    for member in tf.getnames():
                        if member.endswith(".whl"):
                            self._names[member.rsplit("/", 1)[-1]] = (kind, member)
        return self._names

    def extract(self, file_name: str, dest: Path) -> bool:
        entry = self.names().get(file_name)
        if entry is None:
            return False
        kind, member = entry
        if kind == "zip":
            with zipfile.ZipFile(self.path) as zf, zf.open(member) as src, \
                    open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
        else:
            with tarfile.open(self.path) as tf:
                src = tf.extractfile(member)
                with open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
        return True


def accepted(pins: dict, name: str, entry: dict, digest: str) -> bool:
    """A wheel is used only if its sha256 is the official lock's, or, for a pure-Python wheel
    taken from the package index (which Pyodide repackages), the one in lite/pins.toml [pure]."""
    pinned = {canonical(k): v for k, v in pins.get("pure", {}).items()}
    return digest == entry["sha256"] or (entry["file_name"].endswith("-none-any.whl")
                                         and digest == pinned.get(name))


def lock_wheels(pins: dict, lock: dict, names: list[str], wheels_from: str | None) -> Path:
    """Every wheel of `names`, in the cache, each checked (see `accepted`) on every build."""
    store = cache_dir() / "wheels" / pins["pyodide"]["version"]
    store.mkdir(parents=True, exist_ok=True)
    source = WheelSource(pins, wheels_from)
    missing = []
    for name in names:
        entry = lock["packages"][name]
        target = store / entry["file_name"]
        if target.exists() and accepted(pins, name, entry, sha256(target)):
            continue
        target.unlink(missing_ok=True)
        if not source.extract(entry["file_name"], target):
            missing.append(name)
            continue
        check_wheel(target, entry, "the carrier" if not wheels_from else wheels_from)
    pure = [n for n in missing if lock["packages"][n]["file_name"].endswith("-none-any.whl")]
    compiled = sorted(set(missing) - set(pure))
    if compiled:
        raise BuildError(f"no source has the compiled wheels of {', '.join(compiled)} for "
                         f"Pyodide {pins['pyodide']['version']}; see lite/pins.toml [wheels]")
    if pure:
        say(f"downloading {len(pure)} pure-Python wheels at the lock's versions ...")
        unpinned = []
        with tempfile.TemporaryDirectory() as tmp:
            pip_download([f"{n}=={lock['packages'][n]['version']}" for n in pure], Path(tmp),
                         python_version=lock["info"]["python"].rsplit(".", 1)[0])
            for name in pure:
                entry = lock["packages"][name]
                got = Path(tmp) / entry["file_name"]
                if not got.exists():
                    raise BuildError(f"the package index has no {entry['file_name']}")
                digest = sha256(got)
                if not accepted(pins, name, entry, digest):
                    unpinned.append(f'{name} = "{digest}"')
                    continue
                shutil.move(str(got), store / entry["file_name"])
        if unpinned:
            raise BuildError(
                "these pure-Python wheels from the package index match neither the official "
                "lock (Pyodide repackages them) nor lite/pins.toml [pure]; check them, then "
                "add these lines to [pure]:\n  " + "\n  ".join(unpinned))
    return store


def check_wheel(path: Path, entry: dict, where: str) -> None:
    got = sha256(path)
    if got != entry["sha256"]:
        path.unlink(missing_ok=True)
        raise BuildError(f"{entry['file_name']} from {where} has sha256 {got}, but the official "
                         f"pyodide-lock.json says {entry['sha256']}: refusing to build with it")


def kernel_wheels(pins: dict) -> list[tuple[str, str, Path]]:
    """(name, version, wheel) of ipywidgets and comm at the course's pins, sha256-checked."""
    store = cache_dir() / "kernel-wheels"
    store.mkdir(exist_ok=True)
    out = []
    for name, digest in pins["kernel"].items():
        version = constraint(name)
        found = [p for p in store.glob(f"{name}-{version}-*.whl") if sha256(p) == digest]
        if not found:
            pip_download([f"{name}=={version}"], store, python_version="3.14")
            found = sorted(store.glob(f"{name}-{version}-*.whl"))
            if not found or sha256(found[0]) != digest:
                raise BuildError(f"{name}=={version}: the downloaded wheel's sha256 is not the "
                                 f"one in lite/pins.toml [kernel] ({digest})")
        out.append((name, version, found[0]))
    return out


# ---- the course as wheels -----------------------------------------------------------------------
def write_wheel(folder: Path, name: str, version: str, files: dict[str, bytes],
                requires: list[str] = ()) -> Path:
    """A pure-Python wheel with fixed file times and sorted entries (same input, same bytes)."""
    dist = f"{name}-{version}.dist-info"
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
            *[f"Requires-Dist: {r}" for r in requires]]
    files = dict(files)
    files[f"{dist}/METADATA"] = ("\n".join(meta) + "\n").encode()
    files[f"{dist}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: pactlab build_lite\n"
                              b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    record = []
    for arc in sorted(files):
        digest = base64.urlsafe_b64encode(hashlib.sha256(files[arc]).digest()).rstrip(b"=")
        record.append(f"{arc},sha256={digest.decode()},{len(files[arc])}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = folder / f"{name}-{version}-py3-none-any.whl"
    stamp = time.gmtime(max(source_epoch(), 315532800))[:6]  # zip times start in 1980
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for arc in sorted(files, key=lambda a: (a.startswith(dist), a)):
            info = zipfile.ZipInfo(arc, stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[arc])
    return path


def tree_files(folder: Path, prefix: str, skip=lambda rel: False) -> dict[str, bytes]:
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir() or "__pycache__" in rel or rel.endswith(".pyc") or skip(rel):
            continue
        out[f"{prefix}/{rel}"] = path.read_bytes()
    return out


def course_wheels(course: Path, folder: Path) -> list[tuple[str, str, Path, list[str]]]:
    """The student runtime (pactlab without its instructor tools) and the course's banks and
    data (pactlab_course), from a release folder."""
    text = (course / "pactlab" / "__init__.py").read_text(encoding="utf-8")
    version = re.search(r'__version__ = "([^"]+)"', text).group(1)
    runtime = tree_files(course / "pactlab", "pactlab",
                         skip=lambda rel: rel.startswith("instructor/") or rel == "__main__.py")
    data = {**tree_files(course / "questions", f"{COURSE_PACKAGE}/questions"),
            **tree_files(course / "data", f"{COURSE_PACKAGE}/data"),
            f"{COURSE_PACKAGE}/__init__.py":
                b'"""The course\'s compiled banks and data, as the browser edition installs '
                b'them."""\n'}
    return [("pactlab", version,
             write_wheel(folder, "pactlab", version, runtime,
                         ["ipywidgets", "pandas", "matplotlib", COURSE_PACKAGE]),
             ["ipywidgets", "pandas", "matplotlib", "pactlab-course"]),
            ("pactlab-course", version,
             write_wheel(folder, COURSE_PACKAGE, version, data), [])]


# ---- the site --------------------------------------------------------------------------------
def lock_entry(name: str, version: str, wheel: Path, imports: list[str],
               depends: list[str]) -> dict:
    return {"name": name, "version": version, "file_name": wheel.name, "install_dir": "site",
            "sha256": sha256(wheel), "package_type": "package", "imports": imports,
            "depends": depends, "unvendored_tests": False}


def stage_pyodide(pins: dict, runtime: Path, lock: dict, names: list[str], wheels: Path,
                  extra: list[tuple[dict, Path]], dest: Path) -> None:
    dest.mkdir(parents=True)
    for name in RUNTIME_FILES:
        if (runtime / name).exists():
            shutil.copyfile(runtime / name, dest / name)
    trimmed = {"info": lock["info"], "packages": {}}
    for name in names:
        entry = dict(lock["packages"][name])
        shutil.copyfile(wheels / entry["file_name"], dest / entry["file_name"])
        digest = sha256(dest / entry["file_name"])
        if not accepted(pins, name, entry, digest):
            raise BuildError(f"{entry['file_name']} changed in the cache {wheels}: delete it "
                             "and build again")
        entry["sha256"] = digest  # what the browser checks when it loads the wheel
        trimmed["packages"][name] = entry
    for entry, wheel in extra:
        shutil.copyfile(wheel, dest / wheel.name)
        trimmed["packages"][entry["name"]] = entry
    (dest / "pyodide-lock.json").write_text(json.dumps(trimmed, indent=1, sort_keys=True) + "\n",
                                            encoding="utf-8")


def lite_config() -> dict:
    return {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
        "appName": "pactlab",
        "exposeAppInBrowser": True,
        "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": {
            "disablePyPIFallback": True}}}}


OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}

# The site's front page opens the start-here notebook. JupyterLab's pages read the
# configuration in every parent folder's index.html, so this one keeps that (empty) block.
INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>pactlab: the course in your browser</title>
<script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">
  {{}}
</script>
<meta http-equiv="refresh" content="0; url=lab/index.html?path={start}">
</head><body>
<p>Opening the course ... if nothing happens, open
<a href="lab/index.html?path={start}">the start-here notebook</a>.</p>
</body></html>
"""


def make_release(out: Path, assessment: bool) -> Path:
    sys.path.insert(0, str(ROOT))
    from pactlab.instructor.authoring import release

    release(out, assessment=assessment, root=ROOT)
    return out


def build(out: Path, assessment: bool = False, wheels_from: str | None = None) -> dict:
    started = time.monotonic()
    pins = load_pins()
    (ROOT / "build").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lite-", dir=ROOT / "build"))  # one per build
    try:
        return _build(pins, work, out, assessment, wheels_from, started)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _build(pins: dict, work: Path, out: Path, assessment: bool, wheels_from: str | None,
           started: float) -> dict:
    say("making the student release (" + ("assessment: no answer keys" if assessment
                                          else "practice") + ") ...")
    course = make_release(work / "release", assessment)
    venv = build_env(pins)
    runtime, lock = pyodide_runtime(pins)
    names = closure(lock, pins["pyodide"]["packages"])
    wheels = lock_wheels(pins, lock, names, wheels_from)
    say(f"{len(names)} Pyodide packages checked (compiled wheels against the official lock)")
    extra = []
    for name, version, wheel in kernel_wheels(pins):
        depends = {"ipywidgets": ["comm", "ipython", "traitlets"], "comm": ["traitlets"]}[name]
        extra.append((lock_entry(name, version, wheel, [name], depends), wheel))
    built = work / "wheels"
    built.mkdir()
    for name, version, wheel, depends in course_wheels(course, built):
        imports = [name.replace("-", "_")]
        extra.append((lock_entry(name, version, wheel, imports, depends), wheel))

    lite = work / "lite-dir"
    stage_pyodide(pins, runtime, lock, names, wheels, extra, lite / "static" / "pyodide")
    (lite / "jupyter-lite.json").write_text(json.dumps(lite_config(), indent=1), "utf-8")
    (lite / "overrides.json").write_text(json.dumps(OVERRIDES, indent=1), "utf-8")
    contents = work / "contents"
    for folder in ("notebooks", "exercises"):
        for nb in sorted((course / folder).glob("*.ipynb")):
            (contents / folder).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nb, contents / folder / nb.name)
    if not (contents / START).exists():
        raise BuildError(f"the release has no {START}")

    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    say("jupyter lite build ...")
    env = {**os.environ, "JUPYTERLITE_NO_LIBARCHIVE": "1"}
    env.pop("JUPYTERLITE_PYODIDE_URL", None)
    run([str(venv / "bin" / "jupyter"), "lite", "build", "--lite-dir", str(lite),
         "--contents", str(contents), "--output-dir", str(out), "--no-sourcemaps",
         "--no-unused-shared-packages", f"--source-date-epoch={source_epoch()}",
         f"--settings-overrides={lite / 'overrides.json'}"], cwd=work, env=env)
    (out / "index.html").write_text(INDEX.format(start=START), encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")
    (out / "pactlab-lite.json").write_text(json.dumps({
        "pyodide": pins["pyodide"]["version"], "assessment": assessment,
        "start": START}, indent=1) + "\n", encoding="utf-8")
    verify_site(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    files = sum(1 for p in out.rglob("*") if p.is_file())
    summary = {"out": str(out), "bytes": size, "files": files,
               "seconds": round(time.monotonic() - started, 1), "assessment": assessment}
    say(f"built {out}: {size / 1e6:.1f} MB in {files} files, {summary['seconds']} s")
    return summary


def verify_site(out: Path) -> None:
    """Every wheel in the site is in its lock with a matching sha256 (the last word)."""
    folder = out / "static" / "pyodide"
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    listed = {e["file_name"]: e["sha256"] for e in lock["packages"].values()}
    for wheel in folder.glob("*.whl"):
        if listed.get(wheel.name) != sha256(wheel):
            raise BuildError(f"{wheel}: not in the site's lock or its sha256 differs")
    absent = sorted(set(listed) - {w.name for w in folder.glob("*.whl")})
    if absent:
        raise BuildError(f"the site's lock lists wheels that are not in it: {absent}")


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".mjs": "text/javascript", ".wasm": "application/wasm",
                      ".json": "application/json", ".whl": "application/zip"}

    def log_message(self, *args) -> None:  # quiet: a test or a class would drown in it
        pass


@contextlib.contextmanager
def serve(site: Path, port: int = 0):
    """Serve `site` on 127.0.0.1 (a free port unless given) in a thread; yields its URL and
    stops the server on exit. Any static web server does the same job."""
    server = ThreadingHTTPServer(("127.0.0.1", port),
                                 functools.partial(_Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "_site"), help="the site folder (_site/)")
    parser.add_argument("--assessment", action="store_true",
                        help="build from an assessment release: no answer keys in the site")
    parser.add_argument("--wheels-from", default=os.environ.get("PACTLAB_PYODIDE_RELEASE"),
                        help="Pyodide's release archive (file or URL) instead of the carrier")
    parser.add_argument("--serve", action="store_true",
                        help="do not build: serve the site on http://127.0.0.1:8000 until Ctrl+C")
    args = parser.parse_args(argv)
    if args.serve:
        with serve(Path(args.out), 8000) as url:
            print(f"Serving {args.out} on {url}/ (Ctrl+C stops)")
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
        return 0
    try:
        build(Path(args.out), assessment=args.assessment, wheels_from=args.wheels_from)
    except (BuildError, ValueError) as exc:
        print(f"make lite: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
