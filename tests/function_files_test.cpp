// The function file table (model/kernel/function_files.yaml): every frame a
// report can print has an entry, and a function that moved between
// releases maps to its file of each era.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "model/kernel/function_files.hpp"
#include "model/ops/program.hpp"
#include "model/support/input_error.hpp"

using namespace mhp;
namespace fs = std::filesystem;

namespace {

// The frames running a node pushes (model/ops/interpreter.cpp): a step's or
// call's name, a lock region's via and done, an acquire's via, a release's
// done; a label is no frame, its steps are.
void frames_of(const std::vector<OpNode>& nodes, std::set<std::string>& out) {
  for (const auto& n : nodes) {
    switch (n.kind) {
      case OpNode::Kind::Step:
      case OpNode::Kind::Call: out.insert(n.name); break;
      case OpNode::Kind::Lock: out.insert(n.via), out.insert(n.done); break;
      case OpNode::Kind::Acquire: out.insert(n.via); break;
      case OpNode::Kind::Release: out.insert(n.done); break;
      case OpNode::Kind::ForEach:
      case OpNode::Kind::Label: break;
    }
    frames_of(n.body, out);
    frames_of(n.unwind, out);
  }
}

// The "(ARG)"-free names C++ primitives push as frames (stacks().fn("..."),
// run_over(k, st, "...", ...)).
std::set<std::string> cpp_frames() {
  std::set<std::string> out;
  const std::regex fn(R"re(\bfn\("([A-Za-z0-9_]+)"\)|run_over\(k, st, "([A-Za-z0-9_]+)")re");
  for (const char* dir : {"model", "checkers"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(MHPSIM_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".cpp" && e.path().extension() != ".hpp") continue;
      std::ifstream in(e.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      for (std::sregex_iterator m(s.begin(), s.end(), fn), end; m != end; ++m)
        out.insert((*m)[1].matched ? (*m)[1].str() : (*m)[2].str());
    }
  return out;
}

}  // namespace

TEST_CASE("function files: every frame of every era's step programs has an entry") {
  const FunctionFiles& t = FunctionFiles::get();
  const OpCatalog& c = OpCatalog::get();
  std::size_t checked = 0;
  for (const auto& era : c.eras())
    for (const auto& op : c.ops(era)) {
      const OpProgram& p = *c.find(era, op);
      std::set<std::string> frames;
      frames_of(p.steps, frames);
      const bool named = !p.steps.empty() && p.steps.front().kind == OpNode::Kind::Call && p.steps.front().name == p.op;
      if (!named) frames.insert(p.op);  // the op's own frame (run_program())
      for (const auto& f : frames) {
        INFO("era " << era << ", op " << op << " (" << p.file << "), frame " << f);
        CHECK(t.covers(f));
        // a kernel function has a file in every era that names it, unless
        // the table says that era's tree lacks it
        if (!t.model_frame(f)) CHECK((!t.file(era, f).empty() || t.absent(era, f)));
        ++checked;
      }
    }
  CHECK(checked > 1000);
}

TEST_CASE("function files: every frame C++ primitives push has an entry") {
  const std::set<std::string> frames = cpp_frames();
  CHECK(frames.count("memmap_init_zone_device") == 1);  // the scan finds them
  for (const auto& f : frames) {
    INFO("frame " << f);
    CHECK(FunctionFiles::get().covers(f));
    CHECK(!FunctionFiles::get().model_frame(f));
  }
}

TEST_CASE("function files: a function that moved maps to each era's file") {
  const FunctionFiles& t = FunctionFiles::get();
  // memmap_init_zone_device() moved to the new mm/mm_init.c in v6.4
  // (mm: move most of core MM initialization to mm/mm_init.c)
  CHECK(t.file("v5.10", "memmap_init_zone_device") == "mm/page_alloc.c");
  CHECK(t.file("v6.1", "memmap_init_zone_device") == "mm/page_alloc.c");
  CHECK(t.file("v6.6", "memmap_init_zone_device") == "mm/mm_init.c");
  CHECK(t.file("v7.1", "memmap_init_zone_device") == "mm/mm_init.c");
  // an "(ARG)" suffix names the function before it
  CHECK(t.file("v6.6", "memory_notify(MEM_OFFLINE)") == "drivers/base/memory.c");
  CHECK(frame_function("ksm_memory_callback(MEM_GOING_OFFLINE)") == "ksm_memory_callback");
  // a model frame, an unknown name or era: no file
  CHECK(t.model_frame("compaction"));
  CHECK(t.file("v6.6", "compaction").empty());
  CHECK(!t.covers("no_such_function"));
  CHECK(t.file("v6.6", "no_such_function").empty());
  CHECK(t.file("v2.6", "memmap_init_zone_device").empty());
  // no memunmap_pages() in the trees up to v5.3: the op of that name is
  // devm_memremap_pages_release() there
  CHECK(t.absent("v4.19", "memunmap_pages"));
  CHECK(t.file("v4.19", "memunmap_pages").empty());
  CHECK(!t.absent("v6.6", "memunmap_pages"));
  CHECK(frame_files("v6.6", {"memmap_init_zone_device", "compaction"}) == std::vector<std::string>{"mm/mm_init.c", ""});
}

TEST_CASE("function files: a broken table names its field") {
  auto field = [](const std::string& text) {
    try {
      FunctionFiles::parse("t.yaml", text);
    } catch (const InputError& e) {
      return e.field();
    }
    return std::string();
  };
  const std::string head = "model_frames: {op: \"an op\"}\nfunctions:\n";
  CHECK(field(head + "  f: {file: a.c, v4.19-v5.0: b.c}\n").empty());
  CHECK(field(head + "  f: {file: a.c, v5.0-v4.19: b.c}\n") == "functions.f.v5.0-v4.19");
  CHECK(field(head + "  f: {file: a.c, v9.9: b.c}\n") == "functions.f.v9.9");
  CHECK(field(head + "  f: {file: a.c, v4.19-v5.0: b.c, v5.0: c.c}\n") == "functions.f.v5.0");
  CHECK(field(head + "  f: {v5.0: c.c}\n") == "functions.f.file");
  CHECK(field(head + "  op: {file: a.c}\n") == "functions.op");
  CHECK(field("functions: {}\n") == "model_frames");
}
