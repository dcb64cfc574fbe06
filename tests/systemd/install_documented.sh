#!/usr/bin/env bash
# Usage: install_documented.sh CMAKE BUILD_DIR SOURCE_DIR PREFIX
# The README's "Running as a service", followed in a fake root, gives a configuration the
# service can load:
#   - `cmake --install` (DESTDIR), systemd-sysusers and systemd-tmpfiles on that root;
#   - the README's own `install -m ... -o ... -g ...` line for the configuration, which the
#     installed example configuration must repeat word for word, run in the root (the names
#     mapped to the ids that root's passwd and group give them);
#   - the user rosterd (its uid and gid from that root, no other groups, as User= and
#     Group= run the service) reads the installed configuration, and could not read a
#     root-only copy (mode 600), so the check can fail;
#   - the installed `rosterd check` as that user, with an empty environment (the unit sets
#     none) and the credentials the configuration names handed over as LoadCredential=
#     hands them (vendor_<file name> in $CREDENTIALS_DIRECTORY), accepts the configuration.
# Needs root (chown, setpriv): exits 77 (skipped) otherwise, and when systemd-sysusers,
# systemd-tmpfiles or setpriv is missing (scripts/install-deps.sh --test-tools installs them).
set -euo pipefail
cmake=$1
build=$2
source_dir=$3
prefix=$4

fail() {
  echo "FAIL: $*"
  exit 1
}

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: needs root (CI runs the suite as root)"
  exit 77
fi
for tool in systemd-sysusers systemd-tmpfiles setpriv; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (scripts/install-deps.sh --test-tools installs it)"
    exit 77
  fi
done

# A root that the user rosterd may walk through, as it may walk through / on a real system.
root=$(mktemp -d /tmp/rosterd-install-XXXXXX)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"

if ! log=$(DESTDIR=$root "$cmake" --install "$build" --prefix "$prefix" 2>&1); then
  echo "$log"
  fail "cmake --install failed"
fi
mkdir -p "$root/etc"
systemd-sysusers --root="$root" >/dev/null || fail "systemd-sysusers failed"
systemd-tmpfiles --root="$root" --create || fail "systemd-tmpfiles failed"

unit=$root$prefix/lib/systemd/system/rosterd.service
for setting in User=rosterd Group=rosterd LoadCredential=vendor:/etc/rosterd/credentials; do
  grep -qx "$setting" "$unit" || fail "the installed unit has no $setting, which this test relies on"
done
if grep -qE '^(Environment|EnvironmentFile)=' "$unit"; then
  fail "the installed unit sets an environment; this test assumes it does not"
fi

# The README's line, continuation lines joined; the example configuration's, from its header.
readme_line=$(sed -n '/^install -m /,/[^\\]$/p' "$source_dir/README.md" | sed 's/\\$//' | tr -s ' \n' '  ' | sed 's/ *$//')
example=$root$prefix/share/doc/rosterd/config/rosterd.example.yaml
example_line=$(sed -n 's/^#  *\(install -m .*\)$/\1/p' "$example" | tr -s ' ' | sed 's/ *$//')
[[ -n $readme_line ]] || fail "README.md has no 'install -m ...' line for the configuration"
[[ $readme_line == "$example_line" ]] ||
  fail "the example configuration's install line differs from the README's:"$'\n'"  README:  $readme_line"$'\n'"  example: $example_line"
echo "documented: $readme_line"

read -r -a words <<<"$readme_line"
[[ ${#words[@]} -eq 9 && ${words[1]} == -m && ${words[3]} == -o && ${words[5]} == -g ]] ||
  fail "expected 'install -m MODE -o OWNER -g GROUP SOURCE TARGET', got: $readme_line"
mode=${words[2]} owner=${words[4]} group=${words[6]} source=${words[7]} target=${words[8]}
[[ $target == /etc/rosterd/rosterd.yaml ]] || fail "the README installs the configuration as $target"
source=${source/#\/usr\/local\//$prefix/}  # the README's paths are for the default prefix

# Names as that root knows them (root is 0 even where its passwd has no entry yet).
id_in_root() { # FILE NAME
  local id
  id=$(awk -F: -v name="$2" '$1 == name { print $3 }' "$root/etc/$1")
  if [[ -z $id && $2 == root ]]; then id=0; fi
  [[ -n $id ]] || fail "no $2 in the root's /etc/$1"
  echo "$id"
}
uid=$(id_in_root passwd rosterd)
gid=$(id_in_root group rosterd)
install -m "$mode" -o "$(id_in_root passwd "$owner")" -g "$(id_in_root group "$group")" "$root$source" "$root$target" ||
  fail "the README's install line failed in the root"
config=$root$target
echo "installed: $(stat -c '%A %u:%g' "$config") $target (rosterd is $uid:$gid)"

as_rosterd() { setpriv --reuid="$uid" --regid="$gid" --clear-groups "$@"; }

as_rosterd cat "$config" >/dev/null 2>&1 || fail "the user rosterd cannot read $target installed as documented"
cmp -s "$config" "$root$source" || fail "$target is not the example configuration"
install -m 600 -o 0 -g 0 "$root$source" "$root/etc/rosterd/root-only.yaml"
if as_rosterd cat "$root/etc/rosterd/root-only.yaml" >/dev/null 2>&1; then
  fail "the user rosterd reads a root:root 0600 file: the readability check cannot fail"
fi
echo "the user rosterd reads $target, and could not read it with mode 600"

# The credentials the configuration names, as the README creates them, handed over as
# LoadCredential=vendor:/etc/rosterd/credentials does when the service starts.
names=$(grep -v '^[[:space:]]*#' "$config" | grep -o '\${credential:vendor_[^}]*}' | sed 's/^${credential:vendor_//; s/}$//' | sort -u)
[[ -n $names ]] || fail "the example configuration names no credential"
credentials=$root/run/credentials/rosterd.service
mkdir -p "$credentials"
for name in $names; do
  (umask 077 && printf '%s' "secret-for-$name" >"$root/etc/rosterd/credentials/$name")
  install -m 400 -o "$uid" -g "$gid" "$root/etc/rosterd/credentials/$name" "$credentials/vendor_$name"
done
chown "$uid:$gid" "$credentials"
chmod 500 "$credentials"
echo "credentials: $(tr '\n' ' ' <<<"$names")"

status=0
output=$(as_rosterd env -i CREDENTIALS_DIRECTORY="$credentials" "$root$prefix/bin/rosterd" check --config "$config" 2>&1) ||
  status=$?
echo "$output"
[[ $status -eq 0 ]] || fail "rosterd check, as the user rosterd with the unit's credentials and no environment, exited $status"
grep -q "^$config: ok (4 sources" <<<"$output" || fail "rosterd check did not load the four example sources"
if grep -qi 'warn' <<<"$output"; then
  fail "rosterd check warned about the configuration installed as documented"
fi
