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
    case PageState::Absent: return "no memmap exists for this pfn (section or subsection not present)";
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
  if (ev.kind != EvKind::Read || !k_.is_page_obj(ev.obj)) return;
  Pfn pfn = k_.page_pfn(ev.obj);
  PageField field = k_.page_field(ev.obj);
  if (k_.page_init_mask(pfn) & (1u << unsigned(field))) return;
  PageState state = k_.page_state(pfn);
  const auto& st = ex_.stacks();
  std::string reader = st.top_name(ev.stack);
  const SimThread& t = ex_.threads()[ev.thread];
  Finding f;
  f.kind = state == PageState::Absent ? "stale" : "uninit";
  f.key = f.kind + "/" + page_state_name(state) + "/" + page_field_name(field) + "/" + reader;
  f.title = std::string("BUG: mhpsim: ") + (state == PageState::Absent ? "access to absent memmap" : "uninit-page-read") +
            " in " + reader;
  f.summary = std::string("read of ") + page_field_name(field) + " of pfn " + hex(pfn) + " in " + reader +
              ": page state " + page_state_name(state) + " (" + case_text(state) + ")";
  f.notes.push_back(std::string("page state ") + page_state_name(state) + ": " + case_text(state));
  f.sides.push_back(side_at(ex_, ev,
                            std::string("read of ") + page_field_name(field) + " of pfn " + hex(pfn) + " by task " +
                                t.name + " (T" + std::to_string(t.id) + "):"));
  std::int64_t alloc = k_.page_alloc_event(pfn);
  if (alloc >= 0) {
    const Event& a = ex_.events()[static_cast<std::size_t>(alloc)];
    const SimThread& at = ex_.threads()[a.thread];
    f.sides.push_back(side_at(ex_, a, "memmap of pfn " + hex(pfn) + " allocated and poisoned by task " + at.name +
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
