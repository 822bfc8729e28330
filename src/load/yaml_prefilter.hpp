// Blanks, in the items of a List in kubectl's layout, the lines whose subtrees the keep policy
// drops (status, managedFields' field sets, container details, last-applied bodies), so libyaml
// never scans them. Half of a live dump is such lines, and libyaml's cost is per byte.
//
// It reads kubectl's block layout by indentation, using the same keep trie as the assembler, so
// it can only remove what the assembler would drop anyway. Every dropped line becomes an empty
// line: positions do not move. Anything outside kubectl's plain layout (anchors, tags, tabs, flow
// collections spanning lines) turns it off for the rest of that item; a line break that libyaml
// counts and it does not (a lone CR, NEL, LS, PS: its lines are not libyaml's there) turns it off
// for the whole item.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace upcheck::load {

// `items` holds whole items: lines starting "- " at column 0 with their lines below. Writes the
// filtered text to `out` and where each item starts in it to `item_offsets`.
void prefilter_list_items(std::string_view items, std::string& out, std::vector<size_t>& item_offsets);

}  // namespace upcheck::load
