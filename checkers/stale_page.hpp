// Reads of a struct page field that holds no initialised value: the memmap
// was (re)allocated and poisoned and no init function has written the field
// since. Classified by the page's state into the five cases of
// [fukasawa-reserved-2019] (David Hildenbrand, Sep 2019), or as a read of a memmap
// that does not exist.
// Also: a read of an idle device-private page (refcount 0, so no pgmap
// reference behind it) by a task holding no reference on its pgmap
// ([williams-request-folio-2022], rule R15): memunmap_pages() does not wait for such
// a reader.
#pragma once
#include <vector>

#include "checkers/checker.hpp"
#include "model/engine/obj_table.hpp"
#include "model/kernel/kernel.hpp"

namespace mhp {

class StalePageChecker final : public Checker {
 public:
  StalePageChecker(const Execution& ex, const Kernel& k) : Checker(ex), k_(k) { count_.direct(ex.objects().size()); }
  void on_event(const Event& ev) override;
  // pgmap references; and the page accesses the memmap's shadow does not
  // vouch for (kEvPageSuspect): on_page() would pass every other one.
  std::uint32_t kinds() const override { return kind_bit(EvKind::RefOp); }
  std::uint32_t suspect_kinds() const override {
    return kind_bit(EvKind::Read) | kind_bit(EvKind::Write) | kind_bit(EvKind::RefOp);
  }

 private:
  void reset() override {
    held_.clear();
    count_.clear();
  }
  bool idle_access(const Event& ev, Pfn pfn) const;
  // Apart from on_event(): most events are neither, and return before any
  // register is saved.
  [[gnu::noinline]] void on_ref(const Event& ev);
  [[gnu::noinline]] void on_page(const Event& ev);
  long& held(ThreadId t, int pg);
  // Out of line and cold: the per-event path stays small (no finding on its stack).
  [[gnu::cold, gnu::noinline]] void report_idle(const Event& ev, Pfn pfn, PageField field);
  [[gnu::cold, gnu::noinline]] void report(const Event& ev, Pfn pfn, PageField field, PageState state, bool lru_alias);
  const Kernel& k_;
  // pgmap references each thread holds (net of its gets and puts), from RefOp
  // events; few entries, so a list that keeps its storage across executions.
  struct Held {
    ThreadId thread;
    int pgmap;
    long refs;
  };
  std::vector<Held> held_;
  ObjTable<long> count_;
};

}  // namespace mhp
