// Device-coherent memory (MEMORY_DEVICE_COHERENT, v6.1+ in the model):
// lib/test_hmm.c with a coherent chunk, migration to the device and back
// (HMM_DMIRROR_MIGRATE_TO_SYS), munmap's deferred put, eviction at unbind,
// and the scenario errors of the type in an era without it.
#include <doctest/doctest.h>

#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"
#include "tests/hmm_scenario.hpp"
#include "tests/one_execution.hpp"

using namespace mhp;

namespace {

std::string scenario(const std::string& era, const std::string& then = "", const std::string& type = "coherent") {
  return test::hmm_scenario(era, type, then);
}

using Seen = test::HmmSeen;
constexpr Pfn kFirst = test::kHmmFirst;
Seen run(const std::string& text) { return test::run_hmm(text); }

std::string error_of(const std::string& text) {
  try {
    parse_scenario("x.yaml", text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "parsed";
}

}  // namespace

TEST_CASE("device-coherent: a migrated page is mapped by a present pte, free pages at refcount 0") {
  for (const char* era : {"v6.1", "v6.6", "v6.12", "v6", "v7.1"}) {
    CAPTURE(era);
    Seen s = run(scenario(era));
    CHECK(s.pte0 == kPteDevice + std::int64_t(kFirst));
    CHECK(s.pte1 == kPteRam);
    CHECK(s.refcount[kFirst - 8] == 1);  // zone_device_page_init(): the mapping's
    CHECK(s.refcount[0] == 0);           // a free page (C14)
    CHECK(s.pgmap_ref == 2);             // the initial reference and the page's: no map-time ones
    CHECK(s.zdd == -6);                  // BACKING_PAGE(dpage) is the page: it holds the mirror
    for (const auto& k : s.keys) CHECK(k.rfind("stale/IDLE/", 0) == 0);  // rule R15 only
  }
}

TEST_CASE("device-coherent: HMM_DMIRROR_MIGRATE_TO_SYS moves the page back and frees it to the driver") {
  for (const char* era : {"v6.1", "v6.6", "v6", "v7.1"}) {
    CAPTURE(era);
    Seen s =
        run(scenario(era, "  - {name: back, op: dmirror_migrate_to_system, device: d, vpage: 0, after: migrate}\n"));
    CHECK(s.pte0 == kPteRam);
    CHECK(s.free_head == std::int64_t(kFirst) + 1);  // pushed back on top
    CHECK(s.refcount[kFirst - 8] == 0);
    CHECK(s.pgmap_ref == 1);
  }
  // A second migration to the device of the same address collects nothing
  // (a coherent page needs MIGRATE_VMA_SELECT_DEVICE_COHERENT).
  Seen again =
      run(scenario("v6", "  - {name: again, op: dmirror_migrate_to_device, device: d, vpage: 0, after: migrate}\n"));
  CHECK(again.pte0 == kPteDevice + std::int64_t(kFirst));
  CHECK(again.refcount[kFirst - 8] == 1);
  CHECK(again.free_head == std::int64_t(kFirst));  // 1 + pfn 10: nothing else allocated
}

TEST_CASE("device-coherent: munmap puts the page after the pte lock") {
  Seen s = run(scenario("v6.1", "  - {name: unmap, op: vm_munmap, device: d, vpage: 0, after: migrate}\n"));
  CHECK(s.pte0 == kPteNone);
  CHECK(s.free_head == std::int64_t(kFirst) + 1);
  CHECK(s.refcount[kFirst - 8] == 0);
  CHECK(s.pgmap_ref == 1);
}

TEST_CASE("device-coherent: unbind evicts the mapped page, then memunmap_pages() drains") {
  Seen s = run(scenario("v7.1",
                        "  - {name: remove, op: dmirror_device_remove_chunks, device: d, after: migrate}\n"
                        "  - {name: unmap, op: memunmap_pages, device: d, after: remove}\n"));
  CHECK(s.pte0 == kPteRam);
  CHECK(s.free_head == 0);
  CHECK(s.pgmap_ref == 0);
  for (const auto& k : s.keys) CHECK(k.rfind("stale/IDLE/", 0) == 0);
}

TEST_CASE("device-coherent: scenario errors name the field") {
  // no MEMORY_DEVICE_COHERENT before v6.0
  CHECK(error_of(scenario("v5.15"))
            .find("x.yaml:6:48: field 'devices[0].type': device-coherent memory "
                  "(MEMORY_DEVICE_COHERENT) came with v6.0: era v5.15 has no such type") != std::string::npos);
  // the CPU fault on a device-private entry is no coherent path
  CHECK(error_of(scenario("v6.1", "  - {name: fault, op: do_user_addr_fault, device: d, vpage: 0, after: migrate}\n"))
            .find("field 'threads[3].device': op 'do_user_addr_fault' is a device-private driver's") !=
        std::string::npos);
  // HMM_DMIRROR_MIGRATE_TO_SYS is lib/test_hmm.c's, for either type but not another
  CHECK(error_of(scenario("v6.1", "", "generic"))
            .find("is lib/test_hmm.c's: the device needs type: private or type: coherent") != std::string::npos);
  CHECK(error_of(scenario("v6.1",
                          "  - {name: back, op: dmirror_migrate_to_system, device: d, vpage: 0, after: migrate}\n",
                          "private")) == "parsed");
}
