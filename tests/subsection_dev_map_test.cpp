// The hypothetical per-subsection ZONE_DEVICE map of [fukasawa-reserved-2019] (S14,
// model/kernel/subsection_dev_map.cpp): which bits its steps set and clear,
// and what the walker tests built on it answer.
#include <doctest/doctest.h>

#include "model/kernel/primitives.hpp"
#include "tests/harness.hpp"

using namespace mhp;
using namespace mhp::test;

namespace {

bool step(const char* name, Kernel& k, OpState& st) {
  const PrimitiveInfo* p = find_primitive(name);
  REQUIRE_MESSAGE(p, name);
  return p->fn(k, st);
}

}  // namespace

TEST_CASE("subsection_dev_map: set and clear touch the range's subsections only, the walker tests read them") {
  // 4 sections of 2 subsections of 2 pages; boot RAM pfns 0-5 (section 1 half
  // RAM, online); a device at pfns 6-11: section 1's second subsection and
  // all of section 2.
  Harness h;
  MachineSpec m;
  m.boot_pages = 6;
  Kernel k(h.ex, m);
  h.reset = [&] { k.reset(); };
  bool ran = false;
  h.thread("t", [&] {
    k.sections[3].subsection_dev_map.v = 1;  // another device's bit: left alone
    OpState st;
    st.args.pgmap = 0;
    st.args.start = 6;
    st.args.nr_pages = 6;
    CHECK(step("subsection_dev_map_set_release", k, st));
    CHECK(k.sections[0].subsection_dev_map.v == 0);
    CHECK(k.sections[1].subsection_dev_map.v == 2);
    CHECK(k.sections[2].subsection_dev_map.v == 3);
    CHECK(k.sections[3].subsection_dev_map.v == 1);

    OpState w;
    // pfn_to_online_page() with the map: the device pfn in the online section
    // is not online once its subsection is valid; the RAM pfn next to it is.
    k.sections[1].subsection_map.v |= 2;  // as section_activate() sets it
    w.cur = 6;
    CHECK_FALSE(step("pfn_to_online_page_dev_map", k, w));
    w.cur = 4;
    CHECK(step("pfn_to_online_page_dev_map", k, w));
    w.cur = 9;  // section 2 is not online
    CHECK_FALSE(step("pfn_to_online_page_dev_map", k, w));
    // a ZONE_DEVICE-aware walker takes the device pfns and online RAM
    CHECK(step("pfn_to_online_page_or_zone_device_acquire", k, w));
    w.cur = 2;
    CHECK(step("pfn_to_online_page_or_zone_device", k, w));
    w.cur = 13;  // section 3, subsection 0: the other device's
    CHECK(step("pfn_to_online_page_or_zone_device", k, w));
    w.cur = 15;
    CHECK_FALSE(step("pfn_to_online_page_or_zone_device", k, w));

    // the second state: "memmap initialised", tested with the first
    w.cur = 9;
    CHECK_FALSE(step("pfn_to_online_page_or_initialised_zone_device", k, w));  // ZONE_DEVICE, not initialised
    CHECK(step("subsection_dev_init_map_set_release", k, st));
    CHECK(k.sections[2].subsection_dev_init_map.v == 3);
    CHECK(k.sections[2].subsection_dev_map.v == 3);
    CHECK(step("pfn_to_online_page_or_initialised_zone_device", k, w));
    w.cur = 13;  // the other device: ZONE_DEVICE, its memmap not initialised
    CHECK_FALSE(step("pfn_to_online_page_or_initialised_zone_device", k, w));
    w.cur = 4;  // online RAM
    CHECK(step("pfn_to_online_page_or_initialised_zone_device", k, w));

    CHECK(step("subsection_dev_map_clear", k, st));
    CHECK(k.sections[1].subsection_dev_init_map.v == 0);
    CHECK(k.sections[2].subsection_dev_init_map.v == 0);
    CHECK(k.sections[1].subsection_dev_map.v == 0);
    CHECK(k.sections[2].subsection_dev_map.v == 0);
    CHECK(k.sections[3].subsection_dev_map.v == 1);
    w.cur = 9;
    CHECK_FALSE(step("pfn_to_online_page_or_zone_device", k, w));
    w.cur = 6;
    CHECK(step("pfn_to_online_page_dev_map", k, w));  // cleared: RAM again to this test
    ran = true;
  });
  RandomStrategy s(1);
  REQUIRE(h.run_once(s, 0).status == Outcome::Status::Completed);
  CHECK(ran);
  // the map is kernel state: an execution starts with it empty
  h.reset();
  CHECK(k.sections[1].subsection_dev_map.v == 0);
  CHECK(k.sections[3].subsection_dev_map.v == 0);
}
