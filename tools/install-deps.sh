#!/bin/sh
# Install what evpub needs to build, test and benchmark on Debian 12.
# Run as root (or it uses sudo).  virtuoso-opensource-7-bin is only the
# server binary (no service, no debconf question): tests/publish.sh runs a
# private instance on loopback.  graphviz draws the network (network -f
# svg, tests/query.sh); rasqal-utils is roqet, the peer of
# bench/network.sh.
set -e
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
  build-essential autoconf automake libtool pkg-config \
  libraptor2-dev librdf0-dev librasqal3-dev libcurl4-gnutls-dev \
  libyaml-dev libyajl-dev libunistring-dev libcsv-dev libical-dev tzdata \
  raptor2-utils python3 python3-rdflib python3-pyld python3-yaml \
  clang-format valgrind time ca-certificates \
  virtuoso-opensource-7-bin curl graphviz rasqal-utils
