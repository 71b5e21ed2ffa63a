// Device-private pages in a process (lib/test_hmm.c's driver, migration,
// the CPU fault, munmap): the refcount each era gives a free, a mapped and a
// returned page, the free list through page->zone_device_data, and the
// scenario fields' errors.
#include <doctest/doctest.h>

#include "model/kernel/invariants.hpp"
#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "tests/hmm_scenario.hpp"
#include "tests/one_execution.hpp"

using namespace mhp;

namespace {

std::string scenario(const std::string& era, const std::string& then = "") {
  return test::hmm_scenario(era, "private", then);
}

using Seen = test::HmmSeen;
constexpr Pfn kFirst = test::kHmmFirst;
Seen run(const std::string& text) { return test::run_hmm(text); }

}  // namespace

TEST_CASE("device-private: a migrated page is mapped with the mapping's reference, by era") {
  for (const char* era : {"v5.10", "v6.1", "v7.1"}) {
    CAPTURE(era);
    Seen s = run(scenario(era));
    const bool zero_idle = std::string(era) != "v5.10";
    CHECK(s.pte0 == kPteDevice + std::int64_t(kFirst));
    CHECK(s.pte1 == kPteRam);                    // untouched
    CHECK(s.free_head == std::int64_t(kFirst));  // 1 + pfn 10: the next free page
    CHECK(s.refcount[kFirst - 8] == (zero_idle ? 1 : 2));
    CHECK(s.refcount[0] == (zero_idle ? 0 : 1));  // a free page
    // v5.10: one map-time pgmap reference per page plus the initial one;
    // v6.1+: the initial one plus the mapped page's
    CHECK(s.pgmap_ref == (zero_idle ? 2 : 5));
  }
}

TEST_CASE("device-private: munmap returns the page to the driver's free list") {
  for (const char* era : {"v5.10", "v6.1"}) {
    CAPTURE(era);
    Seen s = run(scenario(era, "  - {name: unmap, op: vm_munmap, device: d, vpage: 0, after: migrate}\n"));
    const bool zero_idle = std::string(era) != "v5.10";
    CHECK(s.pte0 == kPteNone);
    CHECK(s.free_head == std::int64_t(kFirst) + 1);  // pushed back on top
    CHECK(s.refcount[kFirst - 8] == (zero_idle ? 0 : 1));
    CHECK(s.pgmap_ref == (zero_idle ? 1 : 5));      // v6.1: the page's reference went with it
    CHECK(s.keys.size() == (zero_idle ? 2u : 0u));  // v6.1+: rule R15 in the allocation only
  }
}

TEST_CASE("device-private: a CPU fault migrates the page back to RAM and frees it") {
  for (const char* era : {"v5.10", "v6.1", "v7.1"}) {
    CAPTURE(era);
    Seen s = run(scenario(era, "  - {name: fault, op: do_user_addr_fault, device: d, vpage: 0, after: migrate}\n"));
    const bool zero_idle = std::string(era) != "v5.10";
    CHECK(s.pte0 == kPteRam);
    CHECK(s.free_head == std::int64_t(kFirst) + 1);
    CHECK(s.refcount[kFirst - 8] == (zero_idle ? 0 : 1));
  }
}

TEST_CASE("device-private: v6.1 unbind evicts a mapped page before memunmap_pages()") {
  Seen s = run(scenario("v6.1",
                        "  - {name: remove, op: dmirror_device_remove_chunks, device: d, after: migrate}\n"
                        "  - {name: unmap, op: memunmap_pages, device: d, after: remove}\n"));
  CHECK(s.pte0 == kPteRam);  // migrated back by dmirror_device_evict_chunk()
  CHECK(s.free_head == 0);   // the removed chunk's pages left the list and did not return
  CHECK(s.pgmap_ref == 0);   // killed and drained
  for (const auto& k : s.keys) CHECK(k.rfind("stale/IDLE/", 0) == 0);  // rule R15 only: no hang, no stale read
}

TEST_CASE("device-private: v5.10 unbind with a page mapped waits for the process") {
  // memunmap_pages() puts the mapped page from 2 to 1: the driver gets it
  // back while it is mapped and the wait for the pgmap ref never returns.
  auto one = test::run_one(scenario("v5.10", "  - {name: unmap, op: memunmap_pages, device: d, after: migrate}\n"));
  bool hang = false;
  for (const auto& k : one.keys) hang = hang || k.rfind("deadlock", 0) == 0 || k.rfind("hang", 0) == 0;
  CHECK(hang);
}

TEST_CASE("device-private: scenario errors name the field") {
  auto err = [](const std::string& text) {
    try {
      parse_scenario("x.yaml", text);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("parsed");
  };
  std::string base = scenario("v6.1");
  std::string no_anon = base;
  no_anon.replace(no_anon.find(", anon_pages: 2"), 15, "");
  CHECK(err(no_anon).find(
            "field 'threads[2].vpage': op 'dmirror_migrate_to_device' works on the test process's mapping: set "
            "initial.anon_pages") != std::string::npos);
  std::string far = base;
  far.replace(far.find("vpage: 0"), 8, "vpage: 2");
  CHECK(err(far).find("field 'threads[2].vpage'") != std::string::npos);
  std::string fsdax = base;
  fsdax.replace(fsdax.find(", type: private"), 15, "");
  CHECK(err(fsdax).find("field 'threads[1].device': op 'dmirror_allocate_chunk' is lib/test_hmm.c's: the device needs "
                        "type: private or type: coherent") != std::string::npos);
  std::string stray = base;
  stray.replace(stray.find("device: d}"), 10, "device: d, vpage: 1}");
  CHECK(err(stray).find("field 'threads[0].vpage': op 'memremap_pages' takes no 'vpage'") != std::string::npos);
  CHECK(err(scenario("v5.4")).find("field 'threads[1].op'") !=
        std::string::npos);  // no test_hmm before v5.10 in the model
}
