#!/usr/bin/env bash
# Fetches the benchmark genomes from Debian's example-data packages, using only the package registry:
#   apt-get update (once, only when something must be downloaded), apt-get download, dpkg -x.
# Then unpacks the inner .xz / .tar.gz members so make-workload.ts reads plain or .gz FASTA.
# Idempotent: packages already in the cache are not downloaded again.
#
#   bash bench/workload/fetch-genomes.sh [--cache DIR] [--no-update]
#   then: npx tsx bench/workload/make-workload.ts --size all
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="$HERE/../.cache"
UPDATE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) CACHE="$2"; shift 2 ;;
    --no-update) UPDATE=0; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# Keep in sync with DEBIAN_PACKAGES in workload.ts.
PACKAGES=(kleborate-examples bowtie-examples ragout-examples kmer-examples sibelia-examples maffilter-examples abacas-examples)

mkdir -p "$CACHE/debs" "$CACHE/root"
CACHE="$(cd "$CACHE" && pwd)"

missing=()
for p in "${PACKAGES[@]}"; do
  compgen -G "$CACHE/debs/${p}_*.deb" >/dev/null || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$UPDATE" = 1 ]; then
    echo "apt-get update" >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq; else sudo apt-get update -qq; fi
  fi
  echo "apt-get download ${missing[*]}" >&2
  # apt warns that it downloads unsandboxed when _apt cannot write the directory: harmless here.
  (cd "$CACHE/debs" && apt-get download "${missing[@]}")
fi

for p in "${PACKAGES[@]}"; do
  deb="$(compgen -G "$CACHE/debs/${p}_*.deb" | sort | tail -n 1)"
  stamp="$CACHE/root/.extracted-$(basename "$deb")"
  if [ ! -e "$stamp" ]; then
    echo "dpkg -x $(basename "$deb")" >&2
    dpkg -x "$deb" "$CACHE/root"
    touch "$stamp"
  fi
done

# Inner archives: node:zlib reads gzip but not xz, and tar members need unpacking.
KLEB="$CACHE/root/usr/share/doc/kleborate/examples/data"
for f in "$KLEB"/*.fna.xz; do
  [ -e "${f%.xz}" ] || xz -dkc "$f" > "${f%.xz}"
done
KMER="$CACHE/root/usr/share/doc/kmer-examples"
if [ ! -d "$KMER/test_data" ]; then
  mkdir -p "$KMER/test_data"
  tar -xzf "$KMER/test_data.tar.gz" -C "$KMER/test_data"
fi

echo "genomes ready under $CACHE/root" >&2
du -sh "$CACHE/debs" "$CACHE/root" >&2
