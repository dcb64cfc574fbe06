#!/usr/bin/env bash
# Usage: install_tree.sh CMAKE BUILD_DIR SOURCE_DIR WORK_DIR PREFIX BINDIR
# `cmake --install` of BUILD_DIR into a fake root (DESTDIR, so that a rule with an absolute
# destination such as /etc lands there too and is caught), for the configured PREFIX, must
# install exactly the files installed_files.sh lists, the unit naming BINDIR/rosterd; with
# another --prefix, the unit names that one. `systemd-analyze verify`
# must accept the installed unit. In that root, systemd-sysusers must then create the
# rosterd user and group from the installed sysusers.d file, and systemd-tmpfiles the
# credentials directory the unit loads.
set -euo pipefail
cmake=$1
build=$2
source_dir=$3
work=$4
prefix=$5
bindir=$6
root=$work/root
here=$(dirname "$0")

fail() {
  echo "FAIL: $*"
  exit 1
}

rm -rf "$root"
mkdir -p "$root"
if ! log=$(DESTDIR=$root "$cmake" --install "$build" --prefix "$prefix" 2>&1); then
  echo "$log"
  fail "cmake --install failed"
fi

expected=$(bash "$here/installed_files.sh" "$prefix" "$source_dir")
installed=$(cd "$root" && find . -type f -o -type l | sed 's|^\./||' | sort)
diff -u <(echo "$expected") <(echo "$installed") || fail "the install tree differs (-expected +installed)"
echo "installed: $(tr '\n' ' ' <<<"$installed")"

[[ -x $root$prefix/bin/rosterd ]] || fail "bin/rosterd is not executable"
"$root$prefix/bin/rosterd" --version >/dev/null || fail "the installed rosterd does not run"
unit=$root$prefix/lib/systemd/system/rosterd.service
cmp -s "$unit" "$build/systemd/rosterd.service" || fail "the installed unit is not the build's rendering"
grep -qx "ExecStart=$bindir/rosterd run --config /etc/rosterd/rosterd.yaml" "$unit" ||
  fail "the installed unit does not start $bindir/rosterd"
[[ $bindir == "$prefix"/* ]] || fail "the unit's $bindir is not under the prefix $prefix"

# The unit is rendered when installing: another prefix than the configured one gives a unit
# naming that prefix (as cpack's /usr does), its other files where that prefix puts them.
other=/opt/rosterd-elsewhere
rm -rf "$work/other"
if ! log=$(DESTDIR=$work/other "$cmake" --install "$build" --prefix "$other" 2>&1); then
  echo "$log"
  fail "cmake --install --prefix $other failed"
fi
other_unit=$work/other$other/lib/systemd/system/rosterd.service
for line in "ExecStart=$other/bin/rosterd run --config /etc/rosterd/rosterd.yaml" \
  "Documentation=file:$other/share/doc/rosterd/README.md"; do
  grep -qxF "$line" "$other_unit" || fail "installed with --prefix $other, the unit lacks: $line"
done
if grep -qF "$prefix/" "$other_unit"; then
  fail "installed with --prefix $other, the unit still names the configured prefix $prefix"
fi
[[ -x $work/other$other/bin/rosterd ]] || fail "--prefix $other did not install bin/rosterd"
echo "installed with --prefix $other: the unit starts $other/bin/rosterd"

# The installed unit as systemd reads it. verify needs ExecStart to exist on this machine,
# so it is pointed at the installed binary (only that path differs).
if command -v systemd-analyze >/dev/null; then
  bash "$here/unit_verify.sh" "$unit" "$root$bindir/rosterd" || fail "systemd-analyze verify rejects the installed unit"
else
  echo "note: systemd-analyze not installed; the installed unit was not verified"
fi

if ! command -v systemd-sysusers >/dev/null || ! command -v systemd-tmpfiles >/dev/null; then
  echo "note: systemd-sysusers/systemd-tmpfiles not installed; the installed files were not applied"
  exit 0
fi

mkdir -p "$root/etc"
systemd-sysusers --root="$root" || fail "systemd-sysusers failed on the installed file"
user=$(grep '^rosterd:' "$root/etc/passwd") || fail "systemd-sysusers created no rosterd user"
group=$(grep '^rosterd:' "$root/etc/group") || fail "systemd-sysusers created no rosterd group"
[[ $(cut -d: -f4 <<<"$user") == "$(cut -d: -f3 <<<"$group")" ]] || fail "rosterd's primary group is not rosterd"
[[ $(cut -d: -f7 <<<"$user") == */nologin ]] || fail "rosterd can log in: $user"
echo "systemd-sysusers: $user / $group"

# tmpfiles chowns to root: as another user, map it to root in a user namespace.
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if ! unshare --map-root-user true 2>/dev/null; then
    echo "note: not root and no user namespaces; tmpfiles.d/rosterd.conf was not applied"
    exit 0
  fi
  as_root=(unshare --map-root-user)
fi
"${as_root[@]}" systemd-tmpfiles --root="$root" --create || fail "systemd-tmpfiles failed on the installed file"
credentials=$root/etc/rosterd/credentials
[[ -d $credentials && $(stat -c %a "$credentials") == 700 ]] ||
  fail "systemd-tmpfiles did not create /etc/rosterd/credentials with mode 0700"
echo "systemd-tmpfiles: /etc/rosterd/credentials created, mode 0700"
