"""nbgitpuller links: one URL that copies (and later updates) a course repository into each
student's home on a JupyterHub and opens a notebook.

nbgitpuller clones the repository with `git clone --depth 1`, into a folder named after the
last part of the repository URL (or `targetPath`), and on later clicks merges the teacher's new
commits into the student's copy, keeping the student's version of any line both changed.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit


def repo_folder(repo: str) -> str:
    """The folder nbgitpuller clones `repo` into when no target folder is given."""
    return urlsplit(repo).path.rstrip("/").rsplit("/", 1)[-1]


def nbgitpuller_link(hub: str, repo: str, branch: str, notebook: str,
                     target: str | None = None, interface: str = "lab") -> str:
    """The link for `hub` (its base URL, e.g. https://hub.example.org) that pulls `branch` of
    `repo` and opens `notebook` (a path inside the repository) in JupyterLab."""
    hub_parts = urlsplit(hub)
    if hub_parts.scheme not in ("http", "https") or not hub_parts.netloc:
        raise ValueError(f"the hub address {hub!r} must start with https:// (or http://), "
                         "e.g. https://hub.example.org")
    repo_parts = urlsplit(repo)
    if not repo_parts.scheme or not repo_parts.path.strip("/"):
        raise ValueError(f"the repository {repo!r} must be a URL, e.g. "
                         "https://github.com/school/course")
    if repo.rstrip("/").endswith(".git"):
        raise ValueError(f"leave the .git off the repository URL ({repo!r}): nbgitpuller names "
                         "the students' folder after the URL, so with .git it changes")
    if not branch or any(c in branch for c in " ~^:?*[\\"):
        raise ValueError(f"{branch!r} is not a branch name")
    notebook = notebook.strip("/")
    if not notebook or ".." in notebook.split("/"):
        raise ValueError(f"{notebook!r} is not a path inside the repository, e.g. "
                         "exercises/01_summit_exercises.ipynb")
    folder = (target or repo_folder(repo)).strip("/")
    if target is not None and (not folder or ".." in folder.split("/")):
        raise ValueError(f"the target folder {target!r} must be a folder inside the home")
    urlpath = f"{'lab/tree' if interface == 'lab' else 'tree'}/{folder}/{notebook}"
    query = {"repo": repo.rstrip("/"), "branch": branch, "urlpath": urlpath}
    if target is not None:
        query["targetpath"] = folder
    base = hub.rstrip("/")
    return f"{base}/hub/user-redirect/git-pull?{urlencode(query, quote_via=quote, safe='')}"
