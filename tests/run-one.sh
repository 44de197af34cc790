#!/bin/sh
# Run one test: C unit tests (under valgrind when configured), or scripts.
case "$1" in
  *.sh) exec bash "$@" ;;
  *) exec $EVPUB_VALGRIND "$@" ;;
esac
