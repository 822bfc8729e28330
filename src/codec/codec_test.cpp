#include <doctest/doctest.h>

#include <string>

#include "codec/base64.hpp"
#include "codec/gzip.hpp"

using namespace upcheck::codec;

namespace {

std::string all_bytes() {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  return all;
}

}  // namespace

TEST_CASE("base64: every byte round-trips, with each length of the last group") {
  const std::string all = all_bytes();
  for (size_t length : {0u, 1u, 2u, 3u, 4u, 255u, 256u}) {
    std::string bytes = all.substr(0, length);
    CHECK(decode_base64(encode_base64(bytes), 1024) == std::optional<std::string>(bytes));
  }
  CHECK(encode_base64("hunter2") == "aHVudGVyMg==");
  CHECK(encode_base64("helm") == "aGVsbQ==");
}

TEST_CASE("base64: standard alphabet with padding; whitespace skipped; anything else refused") {
  CHECK(decode_base64("aHVudGVyMg==", 100) == std::optional<std::string>("hunter2"));
  CHECK(decode_base64("aHVu\n dGVy\r\n\tMg==", 100) == std::optional<std::string>("hunter2"));
  CHECK(decode_base64("", 100) == std::optional<std::string>(""));
  CHECK_FALSE(decode_base64("aHVudGVyMg=", 100));       // bad length
  CHECK_FALSE(decode_base64("aGVsbA", 100));            // unpadded: Go's StdEncoding refuses it too
  CHECK_FALSE(decode_base64("aHVu_GVyMg==", 100));      // URL alphabet
  CHECK_FALSE(decode_base64("a$b=", 100));              // not base64
  CHECK_FALSE(decode_base64("aHVudGVyMg==aGk=", 100));  // data after padding
  CHECK_FALSE(decode_base64("aHVudGVyMg==", 6));        // 7 bytes: one more than allowed
  CHECK(decode_base64("aHVudGVyMg==", 7) == std::optional<std::string>("hunter2"));
  CHECK_FALSE(decode_base64(encode_base64(all_bytes()), 100));
}

TEST_CASE("gunzip: what gzip_best wrote comes back; corrupt, truncated and bombs are refused") {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "apiVersion: v1\nkind: ConfigMap\n";
  std::string error;
  CHECK(gunzip(gzip_best(text), text.size(), error) == std::optional<std::string>(text));
  CHECK(starts_with_gzip_magic(gzip_best(text)));
  CHECK_FALSE(starts_with_gzip_magic("{\"name\":\"istiod\"}"));

  CHECK_FALSE(gunzip(gzip_best(text), text.size() - 1, error));  // one byte over the bound
  CHECK(error == "larger than 0 MiB once decompressed");
  const std::string bomb = gzip_best(std::string(70u << 20, 'x'));
  CHECK(bomb.size() < 1u << 20);
  CHECK_FALSE(gunzip(bomb, 64u << 20, error));
  CHECK(error == "larger than 64 MiB once decompressed");

  CHECK_FALSE(gunzip(gzip_best(text).substr(0, 40), 1u << 20, error));
  CHECK(error == "the gzip stream is truncated");
  CHECK_FALSE(gunzip("\x1f\x8b\x08 garbage", 1u << 20, error));
  CHECK(error == "the gzip stream is corrupt");
  // Members one after another are one stream, as gzip -d reads them.
  CHECK(gunzip(gzip_best("first ") + gzip_best("second"), 100, error) == std::optional<std::string>("first second"));
}

TEST_CASE("Inflater: a stream fed in small pieces comes out whole") {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += std::to_string(i) + "\n";
  const std::string gz = gzip_best(text);
  Inflater inflater;
  std::string out;
  char buffer[100];
  for (size_t at = 0; at < gz.size();) {
    const size_t piece = std::min<size_t>(7, gz.size() - at);
    inflater.give_input(gz.data() + at, piece);
    at += piece;
    for (;;) {
      std::optional<size_t> n = inflater.inflate(buffer, sizeof buffer);
      REQUIRE(n);
      if (*n == 0) break;  // it needs the next piece
      out.append(buffer, *n);
    }
    CHECK(inflater.needs_input());
  }
  CHECK(out == text);
  CHECK_FALSE(inflater.inside_member());
}
