#!/usr/bin/env python3
"""Usage: installed_references.py ROOT PREFIX

Every reference in a text file that `cmake --install` put under ROOT (a DESTDIR install for
PREFIX) must resolve in that installed tree, so that a reader of the installed files is
never sent to a file that is not there. Checked:

  - markdown links to local files (`[text](docs/schema.md)`), against the file's directory;
  - document names (`BENCHMARKS.md`, `../BENCHMARKS.md`), against the file's directory;
  - in files other than markdown, relative paths with a directory part
    (`sysusers.d/rosterd.conf`), against the file's directory;
  - `file:` URLs and absolute paths under PREFIX (`/usr/local/share/doc/...`), in ROOT;
  - no "SPEC 4"-style citation of a specification that is not shipped.

Absolute paths outside PREFIX (/etc/rosterd/..., /var/lib/rosterd/...) are where the
operator's files live at run time, not installed files, and are not checked. Neither are
code spans of source paths in the README's sections on building and testing, which name
files of the source tree (`scripts/test.sh`): those are not links or document names.
"""
import os
import re
import sys

MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
MD_NAME = re.compile(r"(?<![\w./-])((?:\.\./|[\w.-]+/)*[\w-]+\.md)\b")
RELATIVE_PATH = re.compile(r"(?<![\w./${:@-])((?:\.\./|[\w-][\w.-]*/)+[\w-][\w.-]*\.[A-Za-z]\w*)")
FILE_URL = re.compile(r"(?<![{\w])file:(/[^\s)\"'`]+)")  # not ${file:...}, a config value
MD_LINK_WHOLE = re.compile(r"\[[^\]]*\]\([^)\s]*\)")
SPEC = re.compile(r"\bSPEC\s+(?:section\s+)?\d")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def text_of(path):
    with open(path, "rb") as f:
        data = f.read()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def main(root, prefix):
    prefix = prefix.rstrip("/")
    under_prefix = re.compile(r"(?<![\w./:-])(" + re.escape(prefix) + r"/[^\s`'\"),;]*)")
    problems = []
    counts = {"links": 0, "document names": 0, "relative paths": 0, "installed paths": 0}
    files = 0

    def resolve(kind, citing_dir, target, where, in_root):
        counts[kind] += 1
        target = target.split("#", 1)[0].rstrip(".")
        if not target:
            return
        path = root + target if in_root else os.path.normpath(os.path.join(citing_dir, target))
        if not os.path.exists(path):
            problems.append(f"{where}: {target} ({kind}) is not in the installed tree")

    for directory, _, names in os.walk(root):
        for name in sorted(names):
            path = os.path.join(directory, name)
            text = text_of(path)
            if text is None:
                continue
            files += 1
            shown = "/" + os.path.relpath(path, root)
            markdown = name.endswith(".md")
            fenced = False
            for number, line in enumerate(text.splitlines(), 1):
                where = f"{shown}:{number}"
                if markdown and line.lstrip().startswith("```"):
                    fenced = not fenced
                    continue
                if SPEC.search(line):
                    problems.append(f"{where}: cites a specification that is not shipped: {line.strip()}")
                for target in FILE_URL.findall(line):
                    resolve("installed paths", directory, target, where, True)
                for target in under_prefix.findall(line):
                    resolve("installed paths", directory, target, where, True)
                if markdown and fenced:
                    continue
                if markdown:
                    for target in MD_LINK.findall(line):
                        if not SCHEME.match(target) and not target.startswith("#"):
                            resolve("links", directory, target, where, False)
                # A link's text names its target; the target is what counts.
                for target in MD_NAME.findall(MD_LINK_WHOLE.sub("", line) if markdown else line):
                    if not SCHEME.match(target):
                        resolve("document names", directory, target, where, False)
                if not markdown:
                    for target in RELATIVE_PATH.findall(line):
                        resolve("relative paths", directory, target, where, False)

    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    print(f"checked {files} installed text files: {summary}")
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
