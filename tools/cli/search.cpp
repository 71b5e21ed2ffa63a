#include "tools/cli/search.hpp"

namespace mhp {

const char* search_kind_name(SearchKind k) {
  switch (k) {
    case SearchKind::Replay: return "replay";
    case SearchKind::Random: return "random";
    case SearchKind::Pct: return "pct";
    case SearchKind::Pos: return "pos";
    case SearchKind::Dfs: return "dfs";
  }
  return "?";
}

SearchKind search_kind_of(const std::string& text) {
  for (SearchKind k : {SearchKind::Replay, SearchKind::Random, SearchKind::Pct, SearchKind::Pos, SearchKind::Dfs}) {
    const std::string name = search_kind_name(k);
    if (text.compare(0, name.size(), name) == 0 &&
        (text.size() == name.size() || text[name.size()] == ' ' || text[name.size()] == ','))
      return k;
  }
  return SearchKind::Random;
}

bool search_text_complete(const std::string& text) {
  static const std::string tail = ", complete)";
  return search_kind_of(text) == SearchKind::Dfs && text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace mhp
