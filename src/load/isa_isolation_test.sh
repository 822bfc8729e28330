#!/bin/sh
# Fails when code outside the haswell JSON walker (and the block scanner's *_avx2) uses an
# instruction that an x86-64 without AVX2, BMI, LZCNT or POPCNT lacks. Such code would fault on
# an older CPU: typically an inline function or template compiled inside the walker's target
# region, whose copy the linker happened to keep for the whole program.
set -eu
objdump -d --no-show-raw-insn -C "$1" | awk '
  /^[0-9a-f]+ <.*>:$/ { function_name = $0; checked++; next }
  function_name ~ /json_haswell|_avx2/ { next }
  {
    split($0, field, "\t")
    if (field[2] ~ /^(v[a-z0-9]+|lzcnt|popcnt|andn|blsr|blsi|blsmsk|bextr|shlx|shrx|sarx|pdep|pext|bzhi|rorx|mulx|kmov[a-z]*) /) {
      print function_name ": " field[2]
      found++
    }
  }
  END {
    if (checked == 0) { print "no functions found: is this an x86-64 binary?"; exit 1 }
    if (found > 0) exit 1
    print checked " functions checked"
  }'
