#!/usr/bin/env bash
# Installs the real Prometheus tools the tests use (run as root; CI calls it from .ci/run):
# - promtool from Debian bookworm's `prometheus` package (2.42): checks and unit-tests the rules;
# - amtool >= 0.26 for `url_file` receivers (the Alertmanager that kube-prometheus-stack deploys is
#   0.28). Bookworm ships 0.25, so amtool is taken from Debian trixie's prometheus-alertmanager
#   0.28.1 package: only the static binary is extracted into /usr/local/bin, nothing else changes;
# - alertmanager itself from the same package (/usr/local/bin/alertmanager, with the templates its
#   Debian build reads from /usr/share/prometheus/alertmanager): the inhibition tests run the real
#   server on 127.0.0.1, as no amtool command evaluates inhibit_rules.
set -euo pipefail

if ! command -v promtool >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

amtool_ok() {
  command -v amtool >/dev/null && amtool --version 2>&1 | grep -qE 'version 0\.(2[6-9]|[3-9][0-9])'
}

alertmanager_ok() {
  command -v alertmanager >/dev/null && alertmanager --version 2>&1 | grep -qE 'version 0\.(2[6-9]|[3-9][0-9])' &&
    [ -f /usr/share/prometheus/alertmanager/default.tmpl ]
}

if ! amtool_ok || ! alertmanager_ok; then
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
  install -m 0755 "$work/x/usr/bin/prometheus-alertmanager" /usr/local/bin/alertmanager
  install -d /usr/share/prometheus/alertmanager
  install -m 0644 "$work"/x/usr/share/prometheus/alertmanager/*.tmpl /usr/share/prometheus/alertmanager/
fi

promtool --version 2>&1 | head -1
amtool --version 2>&1 | head -1
alertmanager --version 2>&1 | head -1
