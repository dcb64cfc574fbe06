#!/usr/bin/env bash
# Usage: bash_completion_test.sh COMPLETION ROSTERD WORK_DIR
# The generated bash completion (rosterd generate bash-completion), sourced in a plain bash
# without the bash-completion package, completes what the real rosterd takes: for each
# case it sets COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT as bash does, calls
# _rosterd and compares COMPREPLY. Commands, options and option values are checked against
# what `rosterd --help` and `rosterd COMMAND --help` print; --source against configurations
# named by --config and by $ROSTERD_CONFIG, through rosterd itself.
set -uo pipefail
completion=$1
rosterd=$2
work=$3

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

rm -rf "$work"
mkdir -p "$work/bin" "$work/files/sub"
ln -s "$rosterd" "$work/bin/rosterd"  # the completion asks the rosterd being completed
export PATH="$work/bin:$PATH"
cat >"$work/alpha.yaml" <<'YAML'
database: roster.db
sources:
  - name: alpha
    type: worksection
    url: https://alpha.example
    api_key: ${credential:not-at-hand}
  - name: beta-2
    type: class4
    url: https://beta.example
    token: x
YAML
cat >"$work/gamma.yaml" <<'YAML'
database: roster.db
sources:
  - {name: gamma, type: smartflo, url: 'https://gamma.example', token: t}
YAML
touch "$work/files/roster.db" "$work/files/rosterd.yaml" "$work/files/other.txt"

# shellcheck disable=SC1090
source "$completion" || { echo "FAIL: cannot source $completion"; exit 1; }
complete -p rosterd | grep -q -- '-F _rosterd' || { echo "FAIL: the script does not register _rosterd"; exit 1; }

# What bash gives a completion function for LINE with the cursor at its end: the words
# (a last empty word when LINE ends with a space), the index of the last.
completed() { # LINE -> COMPREPLY, sorted, one line
  local line=$1
  read -r -a COMP_WORDS <<<"$line"
  [[ $line == *' ' ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line
  COMP_POINT=${#line}
  COMPREPLY=()
  local errors
  errors=$(_rosterd 2>&1 >/dev/null)
  _rosterd 2>/dev/null
  [[ -z $errors ]] || fail "'$line': the completion printed: $errors"
  printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

expect() { # LINE EXPECTED
  local got
  got=$(completed "$1")
  [[ $got == "$2" ]] || fail "'$1' completes to '$got', expected '$2'"
}

sorted() { tr ' ' '\n' <<<"$*" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'; }

# The first column of a --help section, as --help prints it.
help_column() { # HELP TITLE
  awk -v title="$2" '/^[^ ]/ { inside = ($0 == title); next } inside && /^  [^ ]/ { print $1 }' <<<"$1" | tr ',' '\n'
}
# The values of OPTION in HELP: "--format TEXT:{table,csv,json}" gives table csv json.
help_values() { # HELP OPTION
  grep -o -- "$2 [A-Z]*:{[^}]*}" <<<"$1" | sed 's/.*{//; s/}$//' | tr ',' ' '
}

top=$("$rosterd" --help)
commands=$(help_column "$top" "Subcommands:")
[[ $(wc -w <<<"$commands") -ge 11 ]] || fail "rosterd --help lists too few commands: $commands"

# Commands.
expect "rosterd " "$(sorted "$commands")"
expect "rosterd sy" "sync"
expect "rosterd --config $work/gamma.yaml st" "status"
expect "rosterd help " "$(sorted "$commands")"
expect "rosterd help ba" "backup"

# Every command's options, as its --help lists them (the global ones included).
for command in $commands; do
  help=$("$rosterd" "$command" --help)
  options=$(help_column "$help" "Options:" | grep -- '^--')
  expect "rosterd $command --" "$(sorted "$options")"
done
expect "rosterd --" "$(sorted "$(help_column "$top" "Options:" | grep -- '^--')")"
expect "rosterd sync --source alpha --d" "--dataset --dry-run"

# Option values from the lists --help shows.
expect "rosterd --log-level " "$(sorted "$(help_values "$top" --log-level)")"
expect "rosterd users --format " "$(sorted "$(help_values "$("$rosterd" users --help)" --format)")"
expect "rosterd users --format c" "csv"
expect "rosterd users --format=c" "csv"
expect "rosterd history --match " "$(sorted "$(help_values "$("$rosterd" history --help)" --match)")"
expect "rosterd changes --entity p" "portfolio profile"
expect "rosterd sync --dataset u" "user_stats users"
expect "rosterd changes --since " ""
expect "rosterd history " ""

# Source names: --config on the line, else $ROSTERD_CONFIG; a configuration that cannot be
# read (or whose credentials are not at hand) never shows an error.
ROSTERD_CONFIG=$work/alpha.yaml expect "rosterd sync --source " "alpha beta-2"
ROSTERD_CONFIG=$work/alpha.yaml expect "rosterd sync --source be" "beta-2"
ROSTERD_CONFIG=$work/alpha.yaml expect "rosterd sync --config $work/gamma.yaml --source " "gamma"
ROSTERD_CONFIG=$work/alpha.yaml expect "rosterd --config=$work/gamma.yaml changes --source " "gamma"
ROSTERD_CONFIG=$work/missing.yaml expect "rosterd sync --source " ""
ROSTERD_CONFIG=$work/files/other.txt expect "rosterd users --source " ""

# Paths.
cd "$work/files" || exit 1
expect "rosterd backup ro" "roster.db rosterd.yaml"
expect "rosterd backup " "other.txt roster.db rosterd.yaml sub"
expect "rosterd status --database r" "roster.db rosterd.yaml"
expect "rosterd --config ro" "roster.db rosterd.yaml"
expect "rosterd migrate --from o" "other.txt"
expect "rosterd sync --config s" "sub"

if ((failures > 0)); then
  echo "$failures completion(s) wrong"
  exit 1
fi
echo "every completion as expected ($(wc -w <<<"$commands") commands)"
