#!/usr/bin/env bash
# Installs this release of xmpp-cli where `make install` installs it from the source
# (scripts/install, included here), or removes exactly those files:
#
#   PREFIX=/usr/local DESTDIR= ./install.sh [install]
#   PREFIX=/usr/local DESTDIR= ./install.sh uninstall
#
# Before installing, every file here is checked against SHA256SUMS, and nothing is
# installed if one differs, is missing, or is not listed there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

case "${1:-install}" in
    install)
        [[ $# -le 1 ]] || { echo "usage: PREFIX=DIR DESTDIR=DIR ./install.sh [install | uninstall]" >&2; exit 64; }
        cd "$here"
        if ! sha256sum --check --quiet --strict SHA256SUMS >&2; then
            echo "install.sh: the files differ from SHA256SUMS; nothing installed" >&2
            exit 65
        fi
        unlisted="$(comm -13 <(sed 's/^[0-9a-f]*  //' SHA256SUMS | LC_ALL=C sort) \
            <(find . -type f ! -path ./SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort))"
        if [[ -n "$unlisted" ]]; then
            echo "install.sh: files not in SHA256SUMS: $unlisted; nothing installed" >&2
            exit 65
        fi
        exec "$here/scripts/install" install "$here/bin/xmpp-cli"
        ;;
    uninstall)
        exec "$here/scripts/install" uninstall
        ;;
    *)
        echo "usage: PREFIX=DIR DESTDIR=DIR ./install.sh [install | uninstall]" >&2
        exit 64
        ;;
esac
