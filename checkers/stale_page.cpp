#include "checkers/stale_page.hpp"

#include <cstdio>

#include "model/support/hex.hpp"
#include "model/sync/percpu_ref.hpp"

namespace mhp {

namespace {

const char* case_text(PageState s) {
  switch (s) {
    case PageState::Uninit:
      return "case 1 of [fukasawa-reserved-2019]: memory added but not onlined, the memmap contains garbage";
    case PageState::DevPartial: return "case 3 of [fukasawa-reserved-2019]: ZONE_DEVICE section only partly present";
    case PageState::DevUninit:
      return "case 4 of [fukasawa-reserved-2019]: ZONE_DEVICE memmap not yet initialised; memmap_init_zone_device() "
             "runs after "
             "mem_hotplug_done()";
    case PageState::DevReserved:
      return "case 5 of [fukasawa-reserved-2019]: altmap-reserved pfn, memmap never initialised";
    case PageState::Absent:
      return "no memmap exists for this pfn: never added, or freed by a removal (use after remove)";
    case PageState::Hole:
      return "firmware hole inside an online early section: pfn_valid(), but not in memblock.memory, and boot never "
             "initialised its memmap (zero_resv_unavail() zeroed only memblock.reserved ranges before 907ec5fca3dc, "
             "v4.20)";
    case PageState::Poisoned:
      return "memmap poisoned again when the range left its zone (offline / memunmap): use after offline";
    default: return "memmap poisoned and not initialised again";
  }
}

}  // namespace

long& StalePageChecker::held(ThreadId t, int pg) {
  for (Held& h : held_)
    if (h.thread == t && h.pgmap == pg) return h.refs;
  held_.push_back({t, pg, 0});
  return held_.back().refs;
}

bool StalePageChecker::idle_access(const Event& ev, Pfn pfn) const {
  int pg = k_.pgmap_of_range(pfn);
  // Only where a free private or coherent page sits at refcount 0 (v6.1+):
  // before, a page at 0 is one memunmap_pages() has just put, not an idle one.
  if (pg < 0 || !k_.pgmaps[pg]->is_private_or_coherent() || !k_.pgmaps[pg]->idle_at_zero ||
      k_.page_state(pfn) != PageState::DevReady)
    return false;
  if (k_.page_value(pfn, PageField::Refcount) != 0) return false;
  // free_zone_device_page() runs page_free() at refcount 0 and drops the
  // page's own pgmap reference only after it: the freeing task holds that
  // reference for the page, whichever task took it.
  const StackTable& st = ex_.stacks();
  FnId freeing = st.find_fn("free_zone_device_page");
  for (StackId s = ev.stack; freeing && s != 0; s = st.parent(s))
    if (st.top_fn(s) == freeing) return false;
  for (const Held& h : held_)
    if (h.thread == ev.thread && h.pgmap == pg) return h.refs <= 0;
  return true;
}

void StalePageChecker::on_event(const Event& ev) {
  if (ev.kind == EvKind::RefOp)
    on_ref(ev);
  else  // a suspect page access (suspect_kinds())
    on_page(ev);
}

void StalePageChecker::on_ref(const Event& ev) {  // who holds which pgmap reference
  long& count = count_[ev.obj];
  long before = count;
  count = ev.value;
  auto kind = static_cast<RefOpKind>(ev.mode);
  if (kind != RefOpKind::Get && kind != RefOpKind::TryGet && kind != RefOpKind::TryGetLive && kind != RefOpKind::Put)
    return;
  for (std::size_t i = 0; i < k_.pgmaps.size(); ++i)
    if (k_.pgmaps[i]->ref.obj() == ev.obj) held(ev.thread, int(i)) += ev.value - before;
}

void StalePageChecker::on_page(const Event& ev) {
  Pfn pfn = k_.page_pfn(ev.obj);
  PageField field = k_.page_field(ev.obj);
  PageState state = k_.page_state(pfn);
  bool write = ev.kind == EvKind::Write;
  // Era A: page->pgmap aliases page->lru, which holds a list pointer until
  // devm_memremap_pages() stores the pgmap: initialised, but not a pgmap.
  bool lru_alias = !write && field == PageField::Pgmap && (ev.value == kLruSelf || ev.value == kListPoison);
  if (write) {
    // Stores are initialisation or normal updates, except into a freed memmap.
    if (state != PageState::Absent || k_.page_alloc_event(pfn) < 0 ||
        k_.page_alloc_event(pfn) == std::int64_t(ev.index))
      return;
  } else if (!lru_alias && (k_.page_init_mask(pfn) & (1u << unsigned(field)))) {
    if (idle_access(ev, pfn)) report_idle(ev, pfn, field);
    return;
  }
  report(ev, pfn, field, state, lru_alias);
}

void StalePageChecker::report_idle(const Event& ev, Pfn pfn, PageField field) {
  const SimThread& t = ex_.threads()[ev.thread];
  std::string fn = ex_.stacks().top_name(ev.stack);
  std::string key = std::string("stale/IDLE/") + page_field_name(field) + "/" + fn;
  if (found_known(FindingKind::Stale, key)) return;
  Finding f;
  f.kind = FindingKind::Stale;
  f.key = std::move(key);
  f.title = "BUG: mhpsim: idle-pgmap-page-read in " + fn;
  const int pg = k_.pgmap_of_range(pfn);
  const char* type = pg >= 0 && k_.pgmaps[pg]->is_coherent() ? "device-coherent" : "device-private";
  f.summary = std::string("read of ") + page_field_name(field) + " of pfn " + hex(pfn) + " in " + fn + ": a free " +
              type + " page (refcount 0) read with no reference on its pgmap";
  f.notes.push_back(std::string("[williams-request-folio-2022] / rule R15: an idle ") + type +
                    " page holds no pgmap reference, so "
                    "memunmap_pages() can free its memmap under this reader; take the pgmap reference first "
                    "(the proposed pgmap_request_folio())");
  f.sides.push_back(side_at(ex_, ev, std::string("read by task ") + t.name + " (T" + std::to_string(t.id) + "):"));
  found_.push_back(std::move(f));
}

void StalePageChecker::report(const Event& ev, Pfn pfn, PageField field, PageState state, bool lru_alias) {
  bool write = ev.kind == EvKind::Write;
  bool stale = state == PageState::Absent || state == PageState::Poisoned || lru_alias;
  const auto& st = ex_.stacks();
  std::string reader = st.top_name(ev.stack);
  FindingKind kind = stale ? FindingKind::Stale : FindingKind::Uninit;
  std::string key =
      finding_kind_name(kind) + "/" + page_state_name(state) + "/" + page_field_name(field) + "/" + reader;
  if (found_known(kind, key)) return;
  const SimThread& t = ex_.threads()[ev.thread];
  const char* access = write ? "write" : "read";
  Finding f;
  f.kind = kind;
  f.key = std::move(key);
  f.title = std::string("BUG: mhpsim: ") +
            (state == PageState::Absent ? std::string(access) + " of freed memmap"
             : stale                    ? "stale-page-read"
                                        : "uninit-page-read") +
            " in " + reader;
  std::string why = lru_alias ? "page->pgmap holds a page->lru list pointer: the pgmap is not set yet (v4.19 sets it "
                                "after mem_hotplug_done())"
                              : case_text(state);
  f.summary = std::string(access) + " of " + page_field_name(field) + " of pfn " + hex(pfn) + " in " + reader +
              ": page state " + page_state_name(state) + " (" + why + ")";
  f.notes.push_back(std::string("page state ") + page_state_name(state) + ": " + why);
  f.sides.push_back(side_at(ex_, ev,
                            std::string(access) + " of " + page_field_name(field) + " of pfn " + hex(pfn) +
                                " by task " + t.name + " (T" + std::to_string(t.id) + "):"));
  std::int64_t alloc = k_.page_alloc_event(pfn);
  if (alloc >= 0) {
    const Event& a = ex_.events()[static_cast<std::size_t>(alloc)];
    const SimThread& at = ex_.threads()[a.thread];
    const char* what = state == PageState::Absent ? " freed by task " : " allocated and poisoned by task ";
    f.sides.push_back(
        side_at(ex_, a, "memmap of pfn " + hex(pfn) + what + at.name + " (T" + std::to_string(at.id) + "):"));
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
