#!/usr/bin/env bash
# Usage: deb_package.sh CPACK_CONFIG SOURCE_DIR VERSION SANITIZED
# The Debian package as an operator meets it (README, "Installing the package"):
#   - cpack builds it into a temporary directory; `dpkg-deb -I` shows a Depends that
#     dpkg-shlibdeps derived from the binary's libraries, and the maintainer scripts;
#     `dpkg-deb -c` lists exactly the files of installed_files.sh under /usr, owned by root;
#   - `dpkg -i` installs it: the user rosterd and /etc/rosterd/credentials exist, the unit
#     names /usr/bin/rosterd and passes `systemd-analyze verify`, is neither enabled nor
#     started, man finds both pages, bash loads the completion, and /usr/bin/rosterd runs
#     (--version, and `rosterd demo` into a temporary database);
#   - installing it again (the maintainer scripts' upgrade path) keeps it whole;
#   - `dpkg --purge` leaves none of the package's files, nor the directories its
#     postinst made, and leaves the user rosterd (which the test then removes, if it made it).
# It installs into this machine's /usr, so it needs root and dpkg (exit 77, skipped,
# otherwise), and it refuses (fails) when a rosterd package or /usr/bin/rosterd is already
# there: it only ever removes the rosterd it installed. A sanitized build (SANITIZED=ON)
# is skipped too: CI packages the GCC build, and the ASan stage would repeat the same
# check for a binary no one ships.
set -euo pipefail
cpack_config=$1
source_dir=$2
version=$3
sanitized=$4
here=$(dirname "$0")

fail() {
  echo "FAIL: $*"
  exit 1
}

if [[ $sanitized == ON ]]; then
  echo "SKIP: a sanitized build is not packaged (the GCC build's test packages rosterd)"
  exit 77
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: needs root: it installs the package (CI runs the suite as root)"
  exit 77
fi
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps systemd-analyze man; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (scripts/install-deps.sh --test-tools installs it)"
    exit 77
  fi
done
if dpkg-query -W -f='${Status}' rosterd 2>/dev/null | grep -qv 'not-installed'; then
  fail "a rosterd package is already on this machine ($(dpkg-query -W -f='${Status}' rosterd)); this test installs and purges its own and never removes one it did not install"
fi
if [[ -e /usr/bin/rosterd ]]; then
  fail "/usr/bin/rosterd exists and no package owns it; this test would overwrite it"
fi

work=$(mktemp -d /tmp/rosterd-deb-XXXXXX)
installed=0
user_before=$(getent passwd rosterd || true)
group_before=$(getent group rosterd || true)
etc_before=$([[ -e /etc/rosterd ]] && echo yes || echo no)
cleanup() {
  if [[ $installed -eq 1 ]]; then dpkg --purge rosterd >/dev/null 2>&1 || true; fi
  # Debian leaves a package's system user in place; the test removes the one it caused.
  if [[ -z $user_before ]] && getent passwd rosterd >/dev/null; then userdel rosterd 2>/dev/null || true; fi
  if [[ -z $group_before ]] && getent group rosterd >/dev/null; then groupdel rosterd 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- build -------------------------------------------------------------------------------
if ! log=$(cpack --config "$cpack_config" -G DEB -B "$work/out" 2>&1); then
  echo "$log"
  fail "cpack failed"
fi
debs=("$work"/out/rosterd_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "cpack made no rosterd_*.deb: $(ls "$work/out")"
deb=${debs[0]}
arch=$(dpkg --print-architecture)
[[ $(basename "$deb") == "rosterd_${version}_${arch}.deb" ]] || fail "unexpected file name $(basename "$deb")"

# --- control -----------------------------------------------------------------------------
info=$(dpkg-deb -I "$deb")
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == rosterd ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: $(field Version), expected $version"
[[ $(field Architecture) == "$arch" ]] || fail "Architecture: $(field Architecture)"
[[ -n $(field Maintainer) && -n $(field Description) ]] || fail "no Maintainer or Description:"$'\n'"$info"
depends=$(field Depends)
echo "Depends: $depends"
# From dpkg-shlibdeps: the package of each library the binary links, with the least version
# that has the symbols it uses where the library's symbols file says (not libsystemd0's).
for library in libc6 libcurl4 libsqlite3-0 libpq5 libyaml-cpp libsystemd0 libssl3 'libstdc\+\+6'; do
  grep -Eq "(^|, )$library[^,]*(,|$)" <<<"$depends" || fail "Depends names no $library: $depends"
done
for library in libc6 libcurl4 libsqlite3-0 libpq5; do
  grep -Eq "(^|, )$library \(>= [^)]+\)" <<<"$depends" || fail "Depends names $library without a version: $depends"
done
grep -Eq "(^|, )systemd(,|$| )" <<<"$depends" || fail "Depends lacks systemd (postinst runs systemd-sysusers): $depends"
for script in postinst prerm postrm; do
  grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\* +$script " <<<"$info" ||
    fail "no executable $script in the control area:"$'\n'"$info"
done

# --- contents ----------------------------------------------------------------------------
contents=$(dpkg-deb -c "$deb")
files=$(awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' <<<"$contents" | sort)
expected=$(bash "$here/installed_files.sh" /usr "$source_dir")
diff -u <(echo "$expected") <(echo "$files") || fail "the package's files differ (-expected +packaged)"
if awk '$2 != "root/root"' <<<"$contents" | grep -q .; then
  fail "files not owned by root:"$'\n'"$(awk '$2 != "root/root"' <<<"$contents")"
fi
grep -Eq '^-rwxr-xr-x .* \./usr/bin/rosterd$' <<<"$contents" || fail "/usr/bin/rosterd is not mode 0755"
if grep -Eq ' \./(etc|var)/' <<<"$contents"; then fail "the package ships files in /etc or /var"; fi
echo "contents: $(wc -l <<<"$files") files, as installed_files.sh lists"

# --- install -----------------------------------------------------------------------------
installed=1
if ! log=$(dpkg -i "$deb" 2>&1); then
  echo "$log"
  fail "dpkg -i failed"
fi
[[ $(/usr/bin/rosterd --version) == "rosterd $version" ]] || fail "/usr/bin/rosterd --version: $(/usr/bin/rosterd --version)"
getent passwd rosterd >/dev/null || fail "postinst created no user rosterd"
[[ -d /etc/rosterd/credentials && $(stat -c '%a %U' /etc/rosterd/credentials) == "700 root" ]] ||
  fail "postinst did not create /etc/rosterd/credentials (root, 0700)"
unit=/usr/lib/systemd/system/rosterd.service
grep -qx 'ExecStart=/usr/bin/rosterd run --config /etc/rosterd/rosterd.yaml' "$unit" ||
  fail "the installed unit does not start /usr/bin/rosterd: $(grep '^ExecStart=' "$unit")"
bash "$here/unit_verify.sh" "$unit" /usr/bin/rosterd || fail "systemd-analyze verify rejects the installed unit"
if compgen -G '/etc/systemd/system/*.wants/rosterd.service' >/dev/null; then
  fail "the package enabled rosterd.service; that is the operator's choice"
fi
[[ $(man -w rosterd) == /usr/share/man/man8/rosterd.8.gz ]] || fail "man -w rosterd: $(man -w rosterd 2>&1)"
[[ $(man -w 5 rosterd.yaml) == /usr/share/man/man5/rosterd.yaml.5.gz ]] ||
  fail "man -w 5 rosterd.yaml: $(man -w 5 rosterd.yaml 2>&1)"
bash -c 'source /usr/share/bash-completion/completions/rosterd && complete -p rosterd' | grep -q -- '-F _rosterd' ||
  fail "the installed completion does not register _rosterd"
if ! demo=$(cd "$work" && /usr/bin/rosterd demo --database "$work/demo.db" 2>&1); then
  echo "$demo"
  fail "rosterd demo from the installed package failed"
fi
[[ -s $work/demo.db ]] || fail "rosterd demo wrote no database"
echo "installed: rosterd $version runs, the unit verifies, man and bash find their files, the demo ran"

# The same package again: the maintainer scripts' upgrade path (prerm upgrade, postinst
# configure with the old version) keeps the package whole.
if ! log=$(dpkg -i "$deb" 2>&1); then
  echo "$log"
  fail "installing the package over itself failed"
fi
[[ $(dpkg-query -W -f='${Status}' rosterd) == "install ok installed" ]] || fail "not installed after the upgrade"
[[ -x /usr/bin/rosterd && -d /etc/rosterd/credentials ]] || fail "the upgrade lost /usr/bin/rosterd or the credentials directory"

# --- purge -------------------------------------------------------------------------------
if ! log=$(dpkg --purge rosterd 2>&1); then
  echo "$log"
  fail "dpkg --purge failed"
fi
installed=0
if dpkg-query -W -f='${Status}' rosterd 2>/dev/null | grep -qv 'not-installed'; then
  fail "dpkg still knows rosterd after the purge: $(dpkg-query -W -f='${Status}' rosterd)"
fi
left=$(while read -r file; do if [[ -e /$file || -L /$file ]]; then echo "/$file"; fi; done <<<"$expected")
[[ -z $left ]] || fail "left after the purge: $left"
[[ ! -e /etc/rosterd/credentials ]] || fail "the purge left /etc/rosterd/credentials, which postinst made empty"
if [[ $etc_before == no && -e /etc/rosterd ]]; then fail "the purge left /etc/rosterd"; fi
# Debian leaves a package's system user and group (files may still belong to them).
getent passwd rosterd >/dev/null || fail "the purge removed the user rosterd"
echo "purged: none of the package's files is left; the user rosterd stays"
