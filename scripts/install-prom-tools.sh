#!/usr/bin/env bash
# Installs the real Prometheus tools the tests use (run as root; CI calls it from .ci/run):
# - promtool from Debian bookworm's `prometheus` package (2.42): checks and unit-tests the rules;
# - amtool >= 0.26 for `url_file` receivers (the Alertmanager that kube-prometheus-stack deploys is
#   0.28). Bookworm ships 0.25, so amtool is taken from Debian trixie's prometheus-alertmanager
#   0.28.1 package: only the static binary is extracted into /usr/local/bin, nothing else changes.
set -euo pipefail

if ! command -v promtool >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

amtool_ok() {
  command -v amtool >/dev/null && amtool --version 2>&1 | grep -qE 'version 0\.(2[6-9]|[3-9][0-9])'
}

if ! amtool_ok; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  echo "deb http://deb.debian.org/debian trixie main" >"$work/trixie.list"
  apt_opts=(-o "Dir::Etc::SourceList=$work/trixie.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work" && apt-get "${apt_opts[@]}" download prometheus-alertmanager >/dev/null 2>&1)
  dpkg-deb -x "$work"/prometheus-alertmanager_*.deb "$work/x"
  install -m 0755 "$work/x/usr/bin/amtool" /usr/local/bin/amtool
fi

promtool --version 2>&1 | head -1
amtool --version 2>&1 | head -1
