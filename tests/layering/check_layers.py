#!/usr/bin/env python3
"""Usage: check_layers.py REPO_ROOT

Checks that daemon/ keeps its layers (README, "Layout": SQL stays in the store's
engines, each database library in its own, vendors in sources/, libcurl out of sync/) and its files and sync/'s functions
short. Prints one line per violation,

    path:line: rule: what is wrong

sorted by path and line, then a count, and exits 1; exits 0 when there is none, 2 on a
usage error. Only daemon/ is read: tests/, bench/ and sim/ are exempt.

Rules:

  sqlite-outside-engine   outside daemon/store/sqlite/: `SQLite::`, `sqlite3_`, or an
                          #include of <SQLiteCpp/...> or <sqlite3.h>.
  libpq-outside-engine    outside daemon/store/postgresql/: an #include of <libpq-fe.h>, or
                          a libpq call (`PQexec(`, `PQconnectdb(`: PQ and a lower-case letter).
  sql-outside-engine      outside the engines (daemon/store/sqlite/, daemon/store/postgresql/):
                          SQL text: a string literal that starts (after blanks) with an
                          upper-case SELECT, INSERT, UPDATE, DELETE, REPLACE, CREATE, DROP,
                          ALTER, WITH, VACUUM or COPY and a word after it, or with PRAGMA,
                          BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE SAVEPOINT or END
                          TRANSACTION. Upper case only, so that English ("update the file")
                          and a lone HTTP method ("DELETE") pass.
  vendor-outside-sources  outside daemon/sources/ and the demo's own configuration
                          (daemon/cli/demo_command.cpp, daemon/cli/demo_files.*,
                          daemon/cli/demo_report.*): a vendor name, any case, in code or in
                          a string literal (an #include path too): crocodial, worksection,
                          smartflo, class4 anywhere (Class4Source, smartflo_token), and DNL
                          as a word of its own: between non-letters or at a camel-case hump
                          (dnl_rate, "DNL", DnlRate, kDNLSource; not inside a word).
  sync-includes-curl      daemon/sync/ includes http/curl_client.hpp.
  file-too-long           a file under daemon/ of more than 400 lines (newline characters,
                          as `wc -l` counts them); reported at line 401.
  function-too-long       a function body in daemon/sync/ of more than 60 lines, counted
                          from the line of its opening brace to the line of its closing
                          brace, both included; reported at the opening brace.

The code rules read C++ files (.cpp .cc .hpp .hh .h .ipp .inl) with comments removed, so a
comment may name a vendor or quote SQL. Strings, character literals, raw strings and digit
separators are lexed, so a `//` inside a URL is not a comment and a brace inside a string
does not count.

Function bodies are found by a heuristic brace scan at namespace and class scope (the
preprocessor lines and string contents blanked first): a `{` opens a namespace, a class,
struct or union (its members are scanned in turn), or else, when the text before it since
the last `;`, `{` or `}` has a parameter list and no `=` outside parentheses, a function
body: everything up to its matching `}` counts, lambdas and local classes included. A brace
in a constructor's member-initializer list (`m_x{1}`) is part of the declaration, not the
body. An enum's or initializer's braces are skipped. A lambda assigned at namespace scope is
not counted as a function.
"""
import os
import re
import sys

MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60

CPP_SUFFIXES = (".cpp", ".cc", ".hpp", ".hh", ".h", ".ipp", ".inl")

SQLITE_ENGINE = "daemon/store/sqlite/"
POSTGRESQL_ENGINE = "daemon/store/postgresql/"
VENDOR_HOME = "daemon/sources/"
DEMO_FILES = re.compile(r"^daemon/cli/(demo_command\.cpp|demo_files\.[^/]+|demo_report\.[^/]+)$")
SYNC = "daemon/sync/"

SQLITE_CODE = re.compile(r"SQLite::|\bsqlite3_\w*")
SQLITE_INCLUDE = re.compile(r"^\s*#\s*include\s*[<\"]\s*(SQLiteCpp/[^>\"]*|SQLiteCpp\.h|sqlite3\.h)\s*[>\"]")
LIBPQ_CODE = re.compile(r"\bPQ[a-z]\w*\s*\(")
LIBPQ_INCLUDE = re.compile(r"^\s*#\s*include\s*[<\"]\s*(postgresql/)?libpq-fe\.h\s*[>\"]")
SQL_STATEMENT = re.compile(
    r"^\s*(?:(?:SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|WITH|VACUUM|COPY)\s+\S"
    r"|(?:PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE\s+SAVEPOINT|END\s+TRANSACTION)\b)"
)
VENDOR_NAME = re.compile(r"crocodial|worksection|smartflo|class4", re.IGNORECASE)
LETTERS = re.compile(r"[A-Za-z]+")
CAMEL_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
CURL_INCLUDE = re.compile(r"^\s*#\s*include\s*[<\"]([^>\"]*/)?http/curl_client\.hpp[>\"]")


class Lexed:
    """A C++ file with its comments removed.

    code: the text, each comment replaced by blanks (newlines kept, so that line numbers
          hold), string and character literals kept as written.
    bare: like code, with the contents of string and character literals blanked too and
          preprocessor lines blanked: what the brace scan reads.
    strings: (line, contents) of every string literal, raw strings included.
    """

    def __init__(self, text):
        self.code, self.bare, self.strings = _lex(text)


def _prefix_before(text, i):
    """The identifier-or-number characters just before position i."""
    start = i
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:i]


def _lex(text):
    code = []
    bare = []
    strings = []
    n = len(text)
    i = 0
    line = 1
    at_line_start = True  # only blanks since the last newline: a '#' starts a directive
    in_directive = False

    def blank(s):
        return "".join("\n" if c == "\n" else " " for c in s)

    while i < n:
        c = text[i]
        if c == "\n":
            # A directive ends at a newline not escaped by a backslash.
            if in_directive and not (i > 0 and text[i - 1] == "\\"):
                in_directive = False
            code.append(c)
            bare.append(c)
            line += 1
            i += 1
            at_line_start = True
            continue
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            code.append(blank(text[i:end]))
            bare.append(blank(text[i:end]))
            i = end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            part = blank(text[i:end])
            code.append(part)
            bare.append(part)
            line += text.count("\n", i, end)
            i = end
            continue
        if c == "#" and at_line_start:
            in_directive = True
        if c == '"':
            prefix = _prefix_before(text, i)
            if prefix in ("R", "u8R", "uR", "UR", "LR"):
                open_paren = text.find("(", i)
                delimiter = text[i + 1 : open_paren]
                closing = ")" + delimiter + '"'
                end = text.find(closing, open_paren)
                end = n if end < 0 else end + len(closing)
                contents = text[open_paren + 1 : end - len(closing)]
            else:
                j = i + 1
                while j < n and text[j] != '"' and text[j] != "\n":
                    j += 2 if text[j] == "\\" else 1
                end = min(j + 1, n)
                contents = text[i + 1 : j]
            strings.append((line, contents))
            literal = text[i:end]
            code.append(literal)
            if in_directive or len(literal) < 2:
                bare.append(blank(literal))
            else:
                bare.append('"' + blank(literal[1:-1]) + '"')
            line += literal.count("\n")
            i = end
            at_line_start = False
            continue
        if c == "'":
            prefix = _prefix_before(text, i)
            if prefix and prefix[0].isdigit():  # a digit separator: 1'000'000
                code.append(c)
                bare.append(" " if in_directive else c)
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            end = min(j + 1, n)
            literal = text[i:end]
            code.append(literal)
            if in_directive or len(literal) < 2:
                bare.append(blank(literal))
            else:
                bare.append("'" + blank(literal[1:-1]) + "'")
            i = end
            at_line_start = False
            continue
        code.append(c)
        bare.append(" " if in_directive else c)
        if not c.isspace():
            at_line_start = False
        i += 1
    return "".join(code), "".join(bare), strings


def _matching_close(text, open_index):
    """The index of the '}' that closes the '{' at open_index (len(text) if none)."""
    depth = 0
    for k in range(open_index, len(text)):
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return len(text)


def _strip_template_heads(header):
    """The header without leading `template <...>` heads."""
    while True:
        m = re.match(r"\s*template\s*<", header)
        if not m:
            return header
        depth = 0
        for k in range(m.end() - 1, len(header)):
            if header[k] == "<":
                depth += 1
            elif header[k] == ">":
                depth -= 1
                if depth == 0:
                    header = header[k + 1 :]
                    break
        else:
            return header


def _top_level(header):
    """The header with everything inside (), [] and {} removed, brackets kept."""
    out = []
    depth = 0
    for ch in header:
        if ch in "([{":
            if depth == 0:
                out.append(ch)
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                out.append(ch)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _classify(header):
    """What a '{' opens, from the text before it: namespace, class, function or other."""
    h = _strip_template_heads(header).strip()
    h = re.sub(r"^(\[\[.*?\]\]\s*)+", "", h)
    top = _top_level(h)
    if re.match(r"^(inline\s+)?namespace\b", top) or re.match(r'^extern\s*"', h):
        return "namespace"
    first_paren = top.find("(")
    before_paren = top if first_paren < 0 else top[:first_paren]
    if re.search(r"\benum\b", before_paren):
        return "other"
    if re.search(r"\b(class|struct|union)\b", before_paren) and "=" not in before_paren:
        return "class"
    if first_paren < 0:
        return "other"
    # `=` outside parentheses: an initializer (a lambda, a braced value), unless part of
    # an operator's name.
    if re.search(r"(?<![=!<>])=(?!=)", re.sub(r"\boperator\s*(==|!=|<=>|<=|>=|[-+*/%^&|<>]?=)", "", top)):
        return "other"
    # A constructor's member-initializer list: `X::X(...) : m_a(a), m_b{b} {`. The body's
    # brace follows a `)` or `}`; a brace after a member's name belongs to the list.
    after_params = top[first_paren:]
    if re.search(r"\)[^:]*(?<!:):(?!:)", after_params):
        return "function" if top.rstrip().endswith((")", "}")) else "other"
    return "function"


def _function_name(header):
    """The (qualified) name before the parameter list: `UserWriter::add`, `operator()`."""
    top = _top_level(_strip_template_heads(header))
    before = top[: top.find("(")].rstrip() if "(" in top else top.rstrip()
    if before.endswith("operator"):
        return before.split()[-1] + "()"
    words = before.split()
    return words[-1].lstrip("*&") if words else "(unnamed)"


def find_functions(bare):
    """(name, first line, last line) of every function body at namespace or class scope."""
    functions = []
    i = 0
    n = len(bare)
    header_start = 0
    scopes = []  # the opening braces of the namespaces and classes the scan is in

    def line_of(pos):
        return bare.count("\n", 0, pos) + 1

    while i < n:
        ch = bare[i]
        if ch == ";":
            header_start = i + 1
        elif ch == "}":
            if scopes:
                scopes.pop()
            header_start = i + 1
        elif ch == "{":
            header = bare[header_start:i]
            kind = _classify(header)
            if kind in ("namespace", "class"):
                scopes.append(i)
                header_start = i + 1
            else:
                close = _matching_close(bare, i)
                if kind == "function":
                    functions.append((_function_name(header), line_of(i), line_of(close)))
                    header_start = close + 1
                # Other braces (an initializer, an enum, a member-initializer) stay in the
                # header of what follows them.
                i = close + 1
                continue
        i += 1
    return functions


def read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    return data.decode("utf-8", errors="replace")


def vendor_names(line):
    """The vendor names in a line of code, as written."""
    names = {m.group(0) for m in VENDOR_NAME.finditer(line)}
    # DNL only as a word: split at non-letters and at camel-case humps (DNLSource, kDnlRate).
    for run in LETTERS.findall(line):
        names.update(word for word in CAMEL_WORD.findall(run) if word.lower() == "dnl")
    return names


def check_cpp(rel, text, problems):
    lexed = Lexed(text)
    code_lines = lexed.code.split("\n")

    for engine, rule, include, code in ((SQLITE_ENGINE, "sqlite-outside-engine", SQLITE_INCLUDE, SQLITE_CODE),
                                        (POSTGRESQL_ENGINE, "libpq-outside-engine", LIBPQ_INCLUDE, LIBPQ_CODE)):
        if rel.startswith(engine):
            continue
        for number, line in enumerate(code_lines, 1):
            if include.match(line):
                problems.append((rel, number, rule, f"includes {line.strip()}"))
                continue
            for m in code.finditer(line):
                problems.append((rel, number, rule, f"uses {m.group(0).rstrip('( ')}"))

    if not rel.startswith(SQLITE_ENGINE) and not rel.startswith(POSTGRESQL_ENGINE):
        for number, contents in lexed.strings:
            if SQL_STATEMENT.match(contents):
                excerpt = " ".join(contents.split())[:60]
                problems.append((rel, number, "sql-outside-engine", f'SQL text "{excerpt}"'))

    if not rel.startswith(VENDOR_HOME) and not DEMO_FILES.match(rel):
        for number, line in enumerate(code_lines, 1):
            names = sorted(vendor_names(line))
            if names:
                message = f"names a vendor ({', '.join(names)}): {line.strip()[:100]}"
                problems.append((rel, number, "vendor-outside-sources", message))

    if rel.startswith(SYNC):
        for number, line in enumerate(code_lines, 1):
            if CURL_INCLUDE.match(line):
                problems.append((rel, number, "sync-includes-curl", f"includes {line.strip()}"))
        for name, first, last in find_functions(lexed.bare):
            length = last - first + 1
            if length > MAX_FUNCTION_LINES:
                message = f"{name} is {length} lines (more than {MAX_FUNCTION_LINES})"
                problems.append((rel, first, "function-too-long", message))


def main(argv):
    if len(argv) != 2:
        print("usage: check_layers.py REPO_ROOT", file=sys.stderr)
        return 2
    root = argv[1]
    daemon = os.path.join(root, "daemon")
    if not os.path.isdir(daemon):
        print(f"check_layers: {daemon} is not a directory", file=sys.stderr)
        return 2

    problems = []
    files = 0
    for directory, subdirs, names in os.walk(daemon):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(names):
            path = os.path.join(directory, name)
            if not os.path.isfile(path):
                continue
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            text = read_text(path)
            files += 1
            lines = text.count("\n")
            if lines > MAX_FILE_LINES:
                problems.append(
                    (rel, MAX_FILE_LINES + 1, "file-too-long", f"{lines} lines (more than {MAX_FILE_LINES})")
                )
            if name.endswith(CPP_SUFFIXES):
                check_cpp(rel, text, problems)

    problems.sort(key=lambda p: (p[0], p[1], p[2]))
    for rel, number, rule, message in problems:
        print(f"{rel}:{number}: {rule}: {message}")
    if problems:
        print(f"check_layers: {len(problems)} layering violation(s) in {files} files under daemon/")
        return 1
    print(f"check_layers: ok ({files} files under daemon/)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
