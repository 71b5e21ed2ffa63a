#include <doctest/doctest.h>

#include "model/ops/program.hpp"
#include "model/support/input_error.hpp"

using namespace mhp;

namespace {

const std::string kSteps = "steps:\n  - step: pfn_valid\n";

OpProgram parse_op(const std::string& head) {
  return OpCatalog::parse("op.yaml", "op: x\neras: [v6]\n" + head + kSteps);
}

// The field an op file's error names; "" if it parses.
std::string bad_field(const std::string& head) {
  try {
    parse_op(head);
  } catch (const InputError& e) {
    return e.field();
  }
  return "";
}

}  // namespace

TEST_CASE("op files: devres, unit and zone declarations") {
  OpProgram none = parse_op("");
  CHECK(none.devres == OpProgram::Devres::None);
  CHECK_FALSE(none.block_unit);
  CHECK_FALSE(none.zone_from_pages);
  CHECK(parse_op("devres: map\n").devres == OpProgram::Devres::Map);
  CHECK(parse_op("devres: release\n").devres == OpProgram::Devres::Release);
  CHECK(parse_op("unit: memory_block\n").block_unit);
  CHECK(parse_op("zone: from_pages\n").zone_from_pages);
  CHECK(parse_op("device: private\n").device == OpProgram::Device::Private);
  CHECK(parse_op("device: hmm\n").device == OpProgram::Device::Hmm);
  CHECK(none.device == OpProgram::Device::Any);

  CHECK(bad_field("device: fsdax\n") == "device");
  CHECK(bad_field("devres: unmap\n") == "devres");
  CHECK(bad_field("unit: section\n") == "unit");
  CHECK(bad_field("zone: normal\n") == "zone");
  CHECK(bad_field("devres: [map]\n") == "devres");
}

TEST_CASE("op files: every file of an op declares the same") {
  const std::string a = "op: x\neras: [v5.0]\nunit: memory_block\n" + kSteps;
  const std::string same = "op: x\neras: [v6]\nunit: memory_block\n" + kSteps;
  const std::string other = "op: x\neras: [v6]\n" + kSteps;
  const std::string zone = "op: x\neras: [v6]\nunit: memory_block\nzone: from_pages\n" + kSteps;
  CHECK(OpCatalog::load({{"a.yaml", a.c_str()}, {"b.yaml", same.c_str()}}).find("v6", "x")->block_unit);
  CHECK_THROWS_WITH_AS(OpCatalog::load({{"a.yaml", a.c_str()}, {"b.yaml", other.c_str()}}),
                       doctest::Contains("field 'unit': differs from a.yaml"), InputError);
  CHECK_THROWS_WITH_AS(OpCatalog::load({{"a.yaml", a.c_str()}, {"b.yaml", zone.c_str()}}),
                       doctest::Contains("b.yaml:4:7: field 'zone'"), InputError);
  // The bundled ops declare what the scenario checks and R13 rely on.
  const OpCatalog& cat = OpCatalog::get();
  CHECK(cat.find("v6", "memremap_pages")->devres == OpProgram::Devres::Map);
  CHECK(cat.find("v4.19", "memunmap_pages")->devres == OpProgram::Devres::Release);
  CHECK(cat.find("v6", "add_memory")->block_unit);
  CHECK(cat.find("v6", "offline_pages")->zone_from_pages);
  CHECK_FALSE(cat.find("v6", "online_pages")->zone_from_pages);
  CHECK(cat.find("v6", "memory_failure")->devres == OpProgram::Devres::None);
  CHECK(cat.find("v5.10", "dmirror_migrate_to_device")->device == OpProgram::Device::Hmm);
  CHECK(cat.find("v7.1", "vm_munmap")->device == OpProgram::Device::Hmm);
  CHECK(cat.find("v6.1", "dmirror_migrate_to_system")->device == OpProgram::Device::Hmm);
  CHECK(cat.find("v6", "do_user_addr_fault")->device == OpProgram::Device::Private);
  CHECK(cat.find("v6", "memremap_pages")->device == OpProgram::Device::Any);
  const std::string priv = "op: x\neras: [v6]\nunit: memory_block\ndevice: private\n" + kSteps;
  CHECK_THROWS_WITH_AS(OpCatalog::load({{"a.yaml", a.c_str()}, {"c.yaml", priv.c_str()}}),
                       doctest::Contains("field 'device': differs from a.yaml"), InputError);
}

TEST_CASE("op files: an inline file is the body of every call of its function") {
  const std::string fn = "op: f\ninline: true\neras: [v6]\nsteps:\n  - step: pfn_valid\n";
  const std::string op = "op: x\neras: [v6]\nsteps:\n  - call: f\n    inline: true\n";
  OpCatalog c = OpCatalog::load({{"f.yaml", fn.c_str()}, {"x.yaml", op.c_str()}});
  REQUIRE(c.find("v6", "x"));
  const OpNode* call = find_node(c.find("v6", "x")->steps, "f");
  REQUIRE(call);
  CHECK(call->kind == OpNode::Kind::Call);
  CHECK(find_node(call->body, "pfn_valid"));
  CHECK_FALSE(c.find("v6", "f"));  // not an op
  // an era with no inline file for the call
  const std::string old = "op: x\neras: [v5.10]\nsteps:\n  - call: f\n    inline: true\n";
  CHECK_THROWS_WITH_AS(OpCatalog::load({{"f.yaml", fn.c_str()}, {"x.yaml", old.c_str()}}),
                       doctest::Contains("x.yaml:4: call f is inline but no inline file defines it for era v5.10"),
                       std::logic_error);
  // steps of its own as well
  try {
    OpCatalog::parse("x.yaml", "op: x\neras: [v6]\nsteps:\n  - call: f\n    inline: true\n    steps: []\n");
    FAIL("parsed");
  } catch (const InputError& e) {
    CHECK(e.field() == "steps[0].steps");
  }
  // the bundled callers of sparse_remove_section() get each era's form
  const OpCatalog& cat = OpCatalog::get();
  CHECK(find_node(cat.find("v5.10", "remove_memory")->steps, "kfree"));
  CHECK(find_node(cat.find("v6", "memunmap_pages")->steps, "kfree_rcu"));
  CHECK(find_node(cat.find("v6", "memunmap_pages")->steps, "valid_section"));
  CHECK_FALSE(find_node(cat.find("v6.1", "memunmap_pages")->steps, "valid_section"));
  CHECK(find_node(cat.find("v5.3", "memunmap_pages")->steps, "subsection_map_xor"));
}
