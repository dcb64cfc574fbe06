#!/usr/bin/env bash
# Usage: install_tree.sh CMAKE BUILD_DIR WORK_DIR BINDIR
# `cmake --install` of BUILD_DIR into a fake root (DESTDIR, so that a rule with an absolute
# destination such as /etc lands there too and is caught) must install exactly the files
# below, the unit naming BINDIR/rosterd (the configure-time prefix). In that root,
# systemd-sysusers must then create the rosterd user and group from the installed
# sysusers.d file, and systemd-tmpfiles the credentials directory the unit loads.
set -euo pipefail
cmake=$1
build=$2
work=$3
bindir=$4
root=$work/root
prefix=/usr/local

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

expected=$(sort <<EOT
usr/local/bin/rosterd
usr/local/lib/systemd/system/rosterd.service
usr/local/lib/sysusers.d/rosterd.conf
usr/local/lib/tmpfiles.d/rosterd.conf
usr/local/share/doc/rosterd/README.md
usr/local/share/doc/rosterd/rosterd.example.yaml
EOT
)
installed=$(cd "$root" && find . -type f -o -type l | sed 's|^\./||' | sort)
diff -u <(echo "$expected") <(echo "$installed") || fail "the install tree differs (-expected +installed)"
echo "installed: $(tr '\n' ' ' <<<"$installed")"

[[ -x $root$prefix/bin/rosterd ]] || fail "bin/rosterd is not executable"
"$root$prefix/bin/rosterd" --version >/dev/null || fail "the installed rosterd does not run"
unit=$root$prefix/lib/systemd/system/rosterd.service
cmp -s "$unit" "$build/systemd/rosterd.service" || fail "the installed unit is not the build's rendering"
grep -qx "ExecStart=$bindir/rosterd run --config /etc/rosterd/rosterd.yaml" "$unit" ||
  fail "the installed unit does not start $bindir/rosterd"

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
