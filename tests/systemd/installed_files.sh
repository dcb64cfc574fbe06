#!/usr/bin/env bash
# Usage: installed_files.sh PREFIX SOURCE_DIR
# Prints, sorted, every file rosterd's install rules put under PREFIX (without its leading
# /): what `cmake --install` installs (install_tree.sh) and the Debian package holds
# (deb_package.sh). cmake/Install.cmake's header lists the same.
set -euo pipefail
p=${1#/}
source_dir=$2

monitoring=$p/share/rosterd/monitoring/rosterd.rules.yml

grep -v '^$' <<EOT | sort
$p/bin/rosterd
$p/lib/systemd/system/rosterd.service
$p/lib/sysusers.d/rosterd.conf
$p/lib/tmpfiles.d/rosterd.conf
$p/share/man/man8/rosterd.8.gz
$p/share/man/man5/rosterd.yaml.5.gz
$p/share/bash-completion/completions/rosterd
$p/share/doc/rosterd/README.md
$p/share/doc/rosterd/BENCHMARKS.md
$p/share/doc/rosterd/ARCHITECTURE.md
$p/share/doc/rosterd/docs/schema.md
$p/share/doc/rosterd/docs/reliability.md
$p/share/doc/rosterd/docs/vendor-facts.md
$p/share/doc/rosterd/config/rosterd.example.yaml
$p/share/doc/rosterd/sim/README.md
$(cd "$source_dir" && ls schema/*.sql schema/postgresql/*.sql | sed "s|^|$p/share/doc/rosterd/|")
$(cd "$source_dir" && ls config/definitions/*.yaml | sed "s|^config/|$p/share/rosterd/|")
$monitoring
EOT
