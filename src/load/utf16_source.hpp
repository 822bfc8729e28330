// UTF-16 manifests, as Windows PowerShell 5 writes `kubectl get -o yaml > dump.yaml`: kubectl
// reads a file with a UTF-16 byte order mark as UTF-16 (cli-runtime's FileVisitor decodes through
// unicode.BOMOverride), so upcheck does too, instead of taking its NUL bytes for a binary file.
#pragma once

#include <memory>

#include "load/byte_source.hpp"

namespace upcheck::load {

// Passes `inner` through unchanged unless it starts with a UTF-16 byte order mark (FF FE little
// endian, FE FF big endian): then its text comes out as UTF-8, without the mark. A lone surrogate
// or an odd last byte becomes U+FFFD, as Go's decoder makes it. Lines and columns are the same in
// both encodings: columns count code points.
std::unique_ptr<ByteSource> decode_utf16_if_marked(std::unique_ptr<ByteSource> inner);

}  // namespace upcheck::load
