#include "checkers/stale_page.hpp"

#include <cstdio>

namespace mhp {

namespace {

const char* case_text(PageState s) {
  switch (s) {
    case PageState::Uninit: return "seed 003 case 1: memory added but not onlined, the memmap contains garbage";
    case PageState::DevPartial: return "seed 003 case 3: ZONE_DEVICE section only partly present";
    case PageState::DevUninit:
      return "seed 003 case 4: ZONE_DEVICE memmap not yet initialised; memmap_init_zone_device() runs after "
             "mem_hotplug_done()";
    case PageState::DevReserved: return "seed 003 case 5: altmap-reserved pfn, memmap never initialised";
    case PageState::Absent: return "no memmap exists for this pfn: never added, or freed by a removal (use after remove)";
    case PageState::Poisoned:
      return "memmap poisoned again when the range left its zone (offline / memunmap): use after offline";
    default: return "memmap poisoned and not initialised again";
  }
}

std::string hex(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "%#llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace

void StalePageChecker::on_event(const Event& ev) {
  if ((ev.kind != EvKind::Read && ev.kind != EvKind::Write) || !k_.is_page_obj(ev.obj)) return;
  Pfn pfn = k_.page_pfn(ev.obj);
  PageField field = k_.page_field(ev.obj);
  PageState state = k_.page_state(pfn);
  bool write = ev.kind == EvKind::Write;
  // Era A: page->pgmap aliases page->lru, which holds a list pointer until
  // devm_memremap_pages() stores the pgmap: initialised, but not a pgmap.
  bool lru_alias = !write && field == PageField::Pgmap && (ev.value == kLruSelf || ev.value == kListPoison);
  if (write) {
    // Stores are initialisation or normal updates, except into a freed memmap.
    if (state != PageState::Absent || k_.page_alloc_event(pfn) < 0 || k_.page_alloc_event(pfn) == std::int64_t(ev.index))
      return;
  } else if (!lru_alias && (k_.page_init_mask(pfn) & (1u << unsigned(field)))) {
    return;
  }
  bool stale = state == PageState::Absent || state == PageState::Poisoned || lru_alias;
  const auto& st = ex_.stacks();
  std::string reader = st.top_name(ev.stack);
  const SimThread& t = ex_.threads()[ev.thread];
  const char* access = write ? "write" : "read";
  Finding f;
  f.kind = stale ? "stale" : "uninit";
  f.key = f.kind + "/" + page_state_name(state) + "/" + page_field_name(field) + "/" + reader;
  f.title = std::string("BUG: mhpsim: ") +
            (state == PageState::Absent ? std::string(access) + " of freed memmap"
             : stale ? "stale-page-read" : "uninit-page-read") +
            " in " + reader;
  std::string why = lru_alias ? "page->pgmap holds a page->lru list pointer: the pgmap is not set yet (v4.19 sets it "
                                "after mem_hotplug_done())"
                              : case_text(state);
  f.summary = std::string(access) + " of " + page_field_name(field) + " of pfn " + hex(pfn) + " in " + reader +
              ": page state " + page_state_name(state) + " (" + why + ")";
  f.notes.push_back(std::string("page state ") + page_state_name(state) + ": " + why);
  f.sides.push_back(side_at(ex_, ev,
                            std::string(access) + " of " + page_field_name(field) + " of pfn " + hex(pfn) + " by task " +
                                t.name + " (T" + std::to_string(t.id) + "):"));
  std::int64_t alloc = k_.page_alloc_event(pfn);
  if (alloc >= 0) {
    const Event& a = ex_.events()[static_cast<std::size_t>(alloc)];
    const SimThread& at = ex_.threads()[a.thread];
    const char* what = state == PageState::Absent ? " freed by task " : " allocated and poisoned by task ";
    f.sides.push_back(side_at(ex_, a, "memmap of pfn " + hex(pfn) + what + at.name +
                                          " (T" + std::to_string(at.id) + "):"));
    if (at.state != ThreadState::Finished) {
      FindingSide now;
      now.title = "task " + at.name + " (T" + std::to_string(at.id) + ") is now at:";
      now.stack = st.frames(at.stack);
      now.locks = lock_names_of(ex_, at.held, at.held_shared);
      f.sides.push_back(std::move(now));
    }
  }
  found_.push_back(std::move(f));
}

}  // namespace mhp
