// Counting set bits without the POPCNT instruction, which the x86-64 baseline lacks: without
// it, std::popcount becomes a call into libgcc for every 64-byte block the JSON scanners read.
#pragma once

#include <cstdint>

namespace upcheck::load {

inline unsigned count_bits(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<unsigned>((x * 0x0101010101010101ULL) >> 56);
}

}  // namespace upcheck::load
