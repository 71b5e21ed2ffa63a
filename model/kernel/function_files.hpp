// The kernel source file that defines each function a stack frame names, in
// the tree of each era (model/kernel/function_files.yaml, written by
// tools/function-files from the era trees). Reports print it beside the
// frame, as kernel splats read after scripts/decode_stacktrace.sh; files
// move between releases (memmap_init_zone_device: mm/page_alloc.c, then
// mm/mm_init.c from v6.4), so the lookup takes the era.
#pragma once
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mhp {

class FunctionFiles {
 public:
  // The embedded table; a broken file is an InputError.
  static const FunctionFiles& get();
  // Parses a table (exposed for tests).
  static FunctionFiles parse(const std::string& file, const std::string& text);

  // The file defining frame's function in era's tree ("mm/mm_init.c"); ""
  // for a model frame, an unknown name or an unknown era.
  const std::string& file(const std::string& era, std::string_view frame) const;
  // Whether the table names frame's function, as a kernel function or a
  // model frame (what tests check every frame against).
  bool covers(std::string_view frame) const;
  bool model_frame(std::string_view frame) const;
  // A function some program of era names that era's tree does not define
  // (an op's own frame named after a later function): "" in the table.
  bool absent(const std::string& era, std::string_view frame) const;
  // The kernel functions the table names, and its model frames.
  std::vector<std::string> functions() const;
  std::vector<std::string> model_frames() const;

 private:
  struct Entry {
    std::string file;                           // the default
    std::map<std::string, std::string> by_era;  // the eras where it differs ("": absent)
  };
  std::map<std::string, Entry, std::less<>> functions_;
  std::set<std::string, std::less<>> model_;
};

// A frame's function: its name without an "(ARG)" suffix
// ("memory_notify(MEM_OFFLINE)" -> "memory_notify").
std::string_view frame_function(std::string_view frame);

// The files of a stack's frames in era, one per frame ("" where none).
std::vector<std::string> frame_files(const std::string& era, const std::vector<std::string>& stack);

}  // namespace mhp
