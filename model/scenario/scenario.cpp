#include "model/scenario/scenario.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "model/scenario/memory_limit.hpp"
#include "model/scenario/step_budget.hpp"
#include "model/support/errno.hpp"
#include "model/support/yaml_util.hpp"

#include <sys/stat.h>

namespace mhp {

bool glob_match(const std::string& p, const std::string& s) {
  std::size_t pi = 0, si = 0, star = std::string::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi, ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

namespace {

// Why a finding is expected: the upstream fix that removed it ("<12-hex
// commit id> <subject> (<release>)"), the newest era that still has it, or
// the model limitation that produces it. At most one; not printed in reports.
void parse_expect_reason(const YamlReader& r, const YAML::Node& f, const std::string& p, ExpectSpec& e) {
  int n = 0;
  if (f["fixed_by"]) {
    ++n;
    e.fixed_by = r.str(f["fixed_by"], p + ".fixed_by");
    static const std::regex form("^[0-9a-f]{12} .+ \\(v[0-9]+\\.[0-9]+(\\.[0-9]+)?\\)$");
    if (!std::regex_match(e.fixed_by, form))
      r.fail(f["fixed_by"], p + ".fixed_by",
             "expected '<12-hex commit id> <subject> (<release>)', e.g. 'feee6b298916 \"mm/memory_hotplug: shrink "
             "zones when offlining memory\" (v5.5)'");
  }
  if (f["still_in"]) {
    ++n;
    e.still_in = r.one_of(f["still_in"], p + ".still_in", known_eras());
  }
  if (f["limitation"]) {
    ++n;
    e.limitation = r.str(f["limitation"], p + ".limitation");
    if (e.limitation.empty()) r.fail(f["limitation"], p + ".limitation", "says no reason");
  }
  if (n > 1) r.fail(f, p, "give one of fixed_by, still_in, limitation");
}

// geometry: the small exploration geometry by default; `preset: x86_64` is the
// real one (4 KiB pages, 2 MiB subsections, 128 MiB sections, memmap loops
// scheduled per 512-page pageblock); any field may still be set explicitly.
void parse_geometry(const YamlReader& r, const YAML::Node& n, Geometry& g) {
  r.require_map(n, "geometry");
  r.allow_keys(
      n, "geometry",
      {"preset", "pages_per_subsection", "subsections_per_section", "sections", "sections_per_block", "chunk_pages"});
  if (n["preset"]) {
    r.one_of(n["preset"], "geometry.preset", {"x86_64"});
    g.pages_per_subsection = 512;
    g.subsections_per_section = 64;
    g.sections_per_block = 16;  // 2 GiB memory blocks (probe_memory_block_size() with >= 64 GiB)
    g.chunk_pages = 512;
    if (!n["sections"]) r.fail(n, "geometry.sections", "the x86_64 preset needs the number of 128 MiB sections");
  }
  if (n["sections_per_block"])
    g.sections_per_block =
        static_cast<std::uint32_t>(r.u64(n["sections_per_block"], "geometry.sections_per_block", 1, 1u << 20));
  if (n["pages_per_subsection"])
    g.pages_per_subsection =
        static_cast<std::uint32_t>(r.u64(n["pages_per_subsection"], "geometry.pages_per_subsection", 1, 512));
  if (n["subsections_per_section"])
    g.subsections_per_section =
        static_cast<std::uint32_t>(r.u64(n["subsections_per_section"], "geometry.subsections_per_section", 1, 64));
  if (n["sections"]) g.sections = static_cast<std::uint32_t>(r.u64(n["sections"], "geometry.sections", 1, 1u << 20));
  if (n["chunk_pages"]) {
    g.chunk_pages =
        static_cast<std::uint32_t>(r.u64(n["chunk_pages"], "geometry.chunk_pages", 1, g.pages_per_section()));
    if (g.pages_per_section() % g.chunk_pages)
      r.fail(n["chunk_pages"], "geometry.chunk_pages",
             "must divide the section size (" + std::to_string(g.pages_per_section()) + " pages)");
  }
  // A memory block spans sections of the address space: one larger than it
  // has no meaning (a 1000-section block in the 4-section default geometry).
  if (n["sections_per_block"] && g.sections_per_block > g.sections)
    r.fail(n["sections_per_block"], "geometry.sections_per_block",
           "value " + std::to_string(g.sections_per_block) + " out of range [1, " + std::to_string(g.sections) +
               "]: a memory block cannot be larger than the " + std::to_string(g.sections) +
               " sections of geometry.sections");
  // Refused here rather than killed by the OOM killer half-way through a run.
  std::uint64_t need = estimate_model_bytes(g);
  if (need > max_memory()) {
    const YAML::Node& at = n["sections"] ? n["sections"] : n;
    r.fail(at, "geometry.sections",
           "the model of " + std::to_string(g.sections) + " sections x " + std::to_string(g.subsections_per_section) +
               " subsections x " + std::to_string(g.pages_per_subsection) + " pages needs about " + format_size(need) +
               ", over --max-memory " + format_size(max_memory()) + " (raise --max-memory or use fewer sections)");
  }
}

// MEMORY_DEVICE_COHERENT came with f25cbb7a95a2 (v6.0): the eras from v6.1 on.
bool era_has_device_coherent(const std::string& era) {
  const auto& eras = known_eras();
  auto at = [&](const std::string& e) { return std::find(eras.begin(), eras.end(), e) - eras.begin(); };
  return at(era) >= at("v6.1");
}

void parse_device(const YamlReader& r, const YAML::Node& n, const std::string& p, const Geometry& g, Pfn boot_pfns,
                  std::uint32_t nodes, const std::string& era, std::vector<PgmapDesc>& out) {
  r.allow_keys(n, p, {"name", "start_pfn", "nr_pages", "type", "altmap", "nid", "vmemmap_shift"});
  PgmapDesc d;
  d.name = r.str(r.need(n, p, "name"), p + ".name");
  for (auto& o : out)
    if (o.name == d.name) r.fail(n["name"], p + ".name", "device '" + d.name + "' is declared twice");
  d.start = r.u64(r.need(n, p, "start_pfn"), p + ".start_pfn", 0, g.nr_pfns() - 1);
  d.nr_pages = r.u64(r.need(n, p, "nr_pages"), p + ".nr_pages", 1, g.nr_pfns() - d.start);
  // memremap_pages() works in subsections (2 MiB): both ends must be aligned
  if (d.start % g.pages_per_subsection)
    r.fail(n["start_pfn"], p + ".start_pfn",
           "must be a multiple of pages_per_subsection (" + std::to_string(g.pages_per_subsection) + ")");
  if (d.nr_pages % g.pages_per_subsection)
    r.fail(n["nr_pages"], p + ".nr_pages",
           "must be a multiple of pages_per_subsection (" + std::to_string(g.pages_per_subsection) + ")");
  if (n["type"]) {
    std::string t = r.one_of(n["type"], p + ".type", {"fsdax", "generic", "private", "coherent"});
    d.type = t == "fsdax"     ? PgmapType::FsDax
             : t == "generic" ? PgmapType::Generic
             : t == "private" ? PgmapType::Private
                              : PgmapType::Coherent;
    if (d.type == PgmapType::Coherent && !era_has_device_coherent(era))
      r.fail(n["type"], p + ".type",
             "device-coherent memory (MEMORY_DEVICE_COHERENT) came with v6.0: era " + era +
                 " has no such type (use era v6.1 or later)");
  }
  if (n["nid"]) d.nid = static_cast<int>(r.u64(n["nid"], p + ".nid", 0, nodes - 1));
  if (n["vmemmap_shift"]) {
    d.vmemmap_shift = static_cast<std::uint32_t>(r.u64(n["vmemmap_shift"], p + ".vmemmap_shift", 0, 9));
    if ((d.nr_pages >> d.vmemmap_shift) == 0)
      r.fail(n["vmemmap_shift"], p + ".vmemmap_shift", "compound pages larger than the device");
  }
  if (n["altmap"]) {
    const YAML::Node& a = n["altmap"];
    r.allow_keys(a, p + ".altmap", {"reserve", "free"});
    d.altmap = true;
    d.altmap_reserve =
        static_cast<std::uint32_t>(r.u64(r.need(a, p + ".altmap", "reserve"), p + ".altmap.reserve", 0, d.nr_pages));
    d.altmap_free =
        static_cast<std::uint32_t>(r.u64(r.need(a, p + ".altmap", "free"), p + ".altmap.free", 0, d.nr_pages));
    if (d.altmap_reserve + d.altmap_free >= d.nr_pages)
      r.fail(a, p + ".altmap", "reserve + free must leave at least one data page in the device");
  }
  if (d.start < boot_pfns)
    r.fail(n["start_pfn"], p + ".start_pfn", "device overlaps boot memory (initial.boot_sections / boot_pages)");
  // Two devices may share a range only whole (one namespace reconfigured,
  // ndctl create-namespace -f -e): whoever holds the busy region owns it.
  for (auto& o : out)
    if (d.start < o.start + o.nr_pages && o.start < d.start + d.nr_pages &&
        (d.start != o.start || d.nr_pages != o.nr_pages))
      r.fail(n, p, "device '" + d.name + "' overlaps device '" + o.name + "' (devices share a range only whole)");
  out.push_back(d);
}

// `fail: {at: FUNCTION, errno: EBUSY, nth: 2}` or a list of them.
std::vector<FailSpec> parse_fail(const YamlReader& r, const YAML::Node& n, const std::string& p) {
  std::vector<FailSpec> out;
  auto one = [&](const YAML::Node& f, const std::string& fp) {
    r.require_map(f, fp);
    r.allow_keys(f, fp, {"at", "errno", "nth"});
    FailSpec s;
    s.field = fp;
    s.line = f.Mark().line + 1;
    s.col = f.Mark().column + 1;
    s.at = r.str(r.need(f, fp, "at"), fp + ".at");
    if (f["errno"]) s.errno_name = r.one_of(f["errno"], fp + ".errno", errno_names());
    if (f["nth"]) s.nth = static_cast<std::uint32_t>(r.u64(f["nth"], fp + ".nth", 1, 1000000));
    out.push_back(s);
  };
  if (n.IsSequence()) {
    if (n.size() == 0 || n.size() > kMaxInjections)
      r.fail(n, p, "between 1 and " + std::to_string(kMaxInjections) + " injections");
    for (std::size_t i = 0; i < n.size(); ++i) one(n[i], p + "[" + std::to_string(i) + "]");
  } else {
    one(n, p);
  }
  return out;
}

// A `fail:` names a step or call of the thread's program (after the variant's
// edits) that can return that errno (its `fails:`).
void check_injections(const std::string& file, ThreadSpec& t, const OpProgram& prog, std::uint32_t notifiers) {
  for (FailSpec& f : t.fail) {
    const OpNode* n = find_node(prog.steps, f.at);
    if (!n)
      throw InputError(file, f.line, f.col, f.field + ".at",
                       "op " + t.op + " (era " + prog.era + ") has no step or call '" + f.at + "'");
    // a callback's step runs only on a modelled chain that registers it
    if (n->in_chain && !(notifiers & notifier_bit(n->callback))) {
      std::string why = ", which this scenario does not model";
      for (const auto& i : memory_notifiers())
        if (notifiers && i.id == n->callback)
          why = std::string(" in ") + i.name + "'s callback, which this scenario does not register";
      throw InputError(file, f.line, f.col, f.field + ".at",
                       f.at + " is on the memory notifier chain" + why + " (initial.notifiers)");
    }
    if (n->fails.empty())
      throw InputError(
          file, f.line, f.col, f.field + ".at",
          f.at + " cannot fail in this program (no `fails:` in " + n->file + ":" + std::to_string(n->line) + ")");
    std::vector<std::string> can;
    for (int e : n->fails) can.push_back(errno_return(e));
    f.err = f.errno_name.empty() ? n->fails.front() : *errno_value(f.errno_name);
    if (std::find(n->fails.begin(), n->fails.end(), f.err) == n->fails.end())
      throw InputError(file, f.line, f.col, f.field + ".errno",
                       f.at + " returns " + join_list(can) + " here, not -" + f.errno_name);
  }
}

std::string read_file(const std::string& path) {
  // stat() first: opening a FIFO would block, and /dev/zero never ends
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw InputError(
        path, 0, 0, "<file>",
        S_ISDIR(st.st_mode) ? "is a directory, not a file" : "not a regular file (a device, FIFO or socket)");
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, 0, "<file>", "cannot read the file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A variant file: `variant: {name, edits}`, with `description:` and `era:`
// (the era whose step names the edits use; a scenario of another era is an
// error) optional. Returns the `variant:` node; `era` the era's node.
YAML::Node variant_of_file(const YamlReader& vr, const YAML::Node& vdoc, YAML::Node& era, bool& has_era) {
  if (!vdoc.IsMap()) vr.fail(vdoc, "<document>", "a variant file is a mapping with `variant:`");
  vr.allow_keys(vdoc, "", {"variant", "description", "era"});
  has_era = static_cast<bool>(vdoc["era"]);
  if (has_era) {  // assigning an absent node would throw
    era = vdoc["era"];
    vr.one_of(era, "era", OpCatalog::get().eras());
  }
  return vr.need(vdoc, "", "variant");
}

VariantEdit parse_edit(const YamlReader& r, const YAML::Node& n, const std::string& p) {
  VariantEdit e;
  e.file = r.file();
  e.line = n.Mark().line + 1;
  e.col = n.Mark().column + 1;
  r.require_map(n, p);
  auto anchor = [&] {
    if (n["after"].IsDefined() == n["before"].IsDefined()) r.fail(n, p, "needs exactly one of 'after' or 'before'");
    e.after = n["after"].IsDefined();
    e.anchor = r.str(e.after ? n["after"] : n["before"], p + (e.after ? ".after" : ".before"));
  };
  auto lock_mode = [&](bool need_mode) {
    if (need_mode || n["mode"]) e.mode = r.one_of(r.need(n, p, "mode"), p + ".mode", {"read", "write"});
    if (n["via"]) e.via = r.str(n["via"], p + ".via");
    if (n["done"]) e.done = r.str(n["done"], p + ".done");
  };
  // REGION: `LOCK` or `{lock: LOCK, via: FUNCTION}` (at least one of them)
  auto region = [&](const char* key) {
    const YAML::Node& g = n[key];
    const std::string f = p + "." + key;
    if (g.IsMap()) {
      r.allow_keys(g, f, {"lock", "via"});
      if (!g["lock"] && !g["via"]) r.fail(g, f, "names a region by `lock:`, `via:` or both");
      if (g["lock"]) e.lock = r.one_of(g["lock"], f + ".lock", lock_names());
      if (g["via"]) e.region_via = r.str(g["via"], f + ".via");
    } else {
      e.lock = r.one_of(g, f, lock_names());
    }
  };
  if (n["move"]) {
    r.allow_keys(n, p, {"op", "thread", "move", "after", "before"});
    e.kind = VariantEdit::Kind::Move;
    e.step = r.str(n["move"], p + ".move");
    anchor();
  } else if (n["wrap"]) {
    r.allow_keys(n, p, {"op", "thread", "wrap", "lock", "mode", "via", "done"});
    e.kind = VariantEdit::Kind::Wrap;
    const YAML::Node& w = n["wrap"];
    if (w.IsScalar()) {
      e.from = e.to = w.Scalar();
    } else {
      r.allow_keys(w, p + ".wrap", {"from", "to"});
      e.from = r.str(r.need(w, p + ".wrap", "from"), p + ".wrap.from");
      e.to = r.str(r.need(w, p + ".wrap", "to"), p + ".wrap.to");
    }
    e.lock = r.one_of(r.need(n, p, "lock"), p + ".lock", lock_names());
    lock_mode(true);
    if (!lock_mode_valid(e.lock, e.mode))
      r.fail(n["mode"], p + ".mode", e.lock + " cannot be taken in " + e.mode + " mode");
  } else if (n["unwrap"]) {
    r.allow_keys(n, p, {"op", "thread", "unwrap", "around"});
    e.kind = VariantEdit::Kind::Unwrap;
    region("unwrap");
    if (n["around"]) e.step = r.str(n["around"], p + ".around");
  } else if (n["set_mode"]) {
    r.allow_keys(n, p, {"op", "thread", "set_mode", "around", "mode"});
    e.kind = VariantEdit::Kind::SetMode;
    region("set_mode");
    if (n["around"]) e.step = r.str(n["around"], p + ".around");
    lock_mode(true);
    if (!e.lock.empty() && !lock_mode_valid(e.lock, e.mode))
      r.fail(n["mode"], p + ".mode", e.lock + " cannot be taken in " + e.mode + " mode");
  } else if (n["set_trylock"]) {
    r.allow_keys(n, p, {"op", "thread", "set_trylock", "around", "trylock"});
    e.kind = VariantEdit::Kind::SetTrylock;
    region("set_trylock");
    if (n["around"]) e.step = r.str(n["around"], p + ".around");
    e.trylock = r.boolean(r.need(n, p, "trylock"), p + ".trylock");
    if (e.trylock && !e.lock.empty() && !lock_trylock_valid(find_lock(e.lock)->id))
      r.fail(n["trylock"], p + ".trylock", e.lock + " has no trylock in the model (only the mutexes do)");
  } else if (n["drop"]) {
    r.allow_keys(n, p, {"op", "thread", "drop", "around", "via", "done"});
    e.kind = VariantEdit::Kind::Drop;
    region("drop");
    const YAML::Node& a = r.need(n, p, "around");
    if (a.IsMap()) {
      r.allow_keys(a, p + ".around", {"from", "to"});
      e.from = r.str(r.need(a, p + ".around", "from"), p + ".around.from");
      e.to = r.str(r.need(a, p + ".around", "to"), p + ".around.to");
    } else {
      e.from = e.to = r.str(a, p + ".around");
    }
    lock_mode(false);
  } else if (n["replace_lock"]) {
    r.allow_keys(n, p, {"op", "thread", "replace_lock", "with", "mode", "via", "done"});
    e.kind = VariantEdit::Kind::ReplaceLock;
    e.lock = r.one_of(n["replace_lock"], p + ".replace_lock", lock_names());
    e.with = r.one_of(r.need(n, p, "with"), p + ".with", lock_names());
    lock_mode(false);
  } else if (n["replace"]) {
    r.allow_keys(n, p, {"op", "thread", "replace", "impl", "as"});
    e.kind = VariantEdit::Kind::Replace;
    e.step = r.str(n["replace"], p + ".replace");
    e.impl = r.str(r.need(n, p, "impl"), p + ".impl");
    if (n["as"]) e.as = r.str(n["as"], p + ".as");
  } else if (n["insert"]) {
    r.allow_keys(n, p, {"op", "thread", "insert", "after", "before"});
    e.kind = VariantEdit::Kind::Insert;
    const YAML::Node& in = n["insert"];
    if (in.IsMap()) {  // {step: KERNEL_FUNCTION, impl: PRIMITIVE}
      r.allow_keys(in, p + ".insert", {"step", "impl"});
      e.step = r.str(r.need(in, p + ".insert", "step"), p + ".insert.step");
      e.impl = r.str(r.need(in, p + ".insert", "impl"), p + ".insert.impl");
    } else {
      e.step = r.str(in, p + ".insert");
    }
    anchor();
  } else if (n["insert_acquire"] || n["insert_release"]) {
    const bool take = static_cast<bool>(n["insert_acquire"]);
    const std::string field = take ? "insert_acquire" : "insert_release";
    if (take)
      r.allow_keys(n, p, {"op", "insert_acquire", "mode", "via", "trylock", "after", "before"});
    else
      r.allow_keys(n, p, {"op", "insert_release", "mode", "done", "after", "before"});
    e.kind = take ? VariantEdit::Kind::InsertAcquire : VariantEdit::Kind::InsertRelease;
    e.lock = r.one_of(n[field], p + "." + field, lock_names());
    if (!lock_single_call_valid(e.lock))
      r.fail(n[field], p + "." + field, e.lock + " is taken in lock regions only (use wrap)");
    lock_mode(true);
    if (!lock_mode_valid(e.lock, e.mode))
      r.fail(n["mode"], p + ".mode", e.lock + " cannot be taken in " + e.mode + " mode");
    if (n["trylock"]) e.trylock = r.boolean(n["trylock"], p + ".trylock");
    anchor();
  } else if (n["remove"]) {
    r.allow_keys(n, p, {"op", "thread", "remove"});
    e.kind = VariantEdit::Kind::Remove;
    e.step = r.str(n["remove"], p + ".remove");
  } else {
    r.fail(n, p,
           "an edit is one of move, wrap, unwrap, set_mode, set_trylock, drop, replace_lock, replace, insert, "
           "insert_acquire, insert_release, remove");
  }
  e.op = r.str(r.need(n, p, "op"), p + ".op");
  // `thread: NAME` or `thread: [A, B]`: the edit changes only these threads' program
  if (n["thread"]) {
    const YAML::Node& t = n["thread"];
    if (t.IsSequence()) {
      if (t.size() == 0) r.fail(t, p + ".thread", "names no thread");
      for (std::size_t i = 0; i < t.size(); ++i)
        e.threads.push_back(r.str(t[i], p + ".thread[" + std::to_string(i) + "]"));
    } else {
      e.threads.push_back(r.str(t, p + ".thread"));
    }
  }
  return e;
}

// initial.holes: firmware holes inside boot memory, whole subsections (the
// model's pageblocks), strictly inside it (the zone starts and ends on
// memory), never a whole section (a section without memory is not present).
void parse_holes(const YamlReader& r, const YAML::Node& seq, Scenario& sc) {
  r.require_seq(seq, "initial.holes");
  const Pfn boot = machine_of(sc).boot_pfns();
  const Pfn pps = sc.geo.pages_per_subsection;
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node& n = seq[i];
    const std::string p = "initial.holes[" + std::to_string(i) + "]";
    r.require_map(n, p);
    r.allow_keys(n, p, {"start_pfn", "nr_pages", "memblock_reserved"});
    FirmwareHole h;
    h.start = r.u64(r.need(n, p, "start_pfn"), p + ".start_pfn", 0, sc.geo.nr_pfns());
    h.nr_pages = r.u64(r.need(n, p, "nr_pages"), p + ".nr_pages", 1, sc.geo.nr_pfns());
    if (n["memblock_reserved"]) h.memblock_reserved = r.boolean(n["memblock_reserved"], p + ".memblock_reserved");
    if (h.start % pps)
      r.fail(n["start_pfn"], p + ".start_pfn",
             "must be a multiple of pages_per_subsection (" + std::to_string(pps) + ")");
    if (h.nr_pages % pps)
      r.fail(n["nr_pages"], p + ".nr_pages",
             "must be a multiple of pages_per_subsection (" + std::to_string(pps) + ")");
    if (h.start == 0 || h.start + h.nr_pages >= boot)
      r.fail(n["start_pfn"], p + ".start_pfn",
             "a hole lies strictly inside boot memory [0, " + std::to_string(boot) +
                 ") (initial.boot_sections / boot_pages): the zone begins and ends on memory");
    for (Pfn s = sc.geo.section_of(h.start); s <= sc.geo.section_of(h.start + h.nr_pages - 1); ++s)
      if (h.start <= sc.geo.section_start(s) && sc.geo.section_start(s + 1) <= h.start + h.nr_pages)
        r.fail(n["nr_pages"], p + ".nr_pages",
               "covers all of section " + std::to_string(s) + ": a section without memory is not present");
    for (std::size_t j = 0; j < sc.holes.size(); ++j) {
      const FirmwareHole& o = sc.holes[j];
      if (h.start < o.start + o.nr_pages && o.start < h.start + h.nr_pages)
        r.fail(n, p, "overlaps initial.holes[" + std::to_string(j) + "]");
    }
    sc.holes.push_back(h);
  }
}

// initial.notifiers: a list of the era's memory chain callbacks, each once;
// `default` (also when absent) or `none` (the chain not modelled).
std::uint32_t parse_notifiers(const YamlReader& r, const YAML::Node& n, const std::string& era) {
  if (n.IsScalar() && n.as<std::string>() == "default") return default_memory_notifiers(era);
  if (n.IsScalar() && n.as<std::string>() == "none") return 0;  // memory_notify() a bare veto point
  if (!n.IsSequence()) r.fail(n, "initial.notifiers", "expected a list of notifiers, 'default' or 'none'");
  std::vector<std::string> names;
  for (MemoryNotifier id : OpCatalog::get().notifiers(era))
    for (const auto& i : memory_notifiers())
      if (i.id == id) names.push_back(i.name);
  std::uint32_t mask = notifier_bit(MemoryNotifier::None);
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = "initial.notifiers[" + std::to_string(i) + "]";
    const std::string name = r.str(n[i], p);
    if (!find_memory_notifier(name)) {
      std::vector<std::string> known;
      for (const auto& k : memory_notifiers()) known.push_back(k.name);
      r.one_of(n[i], p, known);  // the error lists every name
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string list;
      for (const auto& x : names) {
        if (!list.empty()) list += ", ";
        list += x;
      }
      r.fail(n[i], p,
             "'" + name + "' is not on the memory notifier chain in era " + era +
                 " (its callbacks: " + (list.empty() ? "none modelled" : list) + ")");
    }
    const std::uint32_t bit = notifier_bit(find_memory_notifier(name)->id);
    if (mask & bit) r.fail(n[i], p, "'" + name + "' is listed twice");
    mask |= bit;
  }
  return mask;
}

}  // namespace

Scenario parse_scenario(const std::string& file, const std::string& text, const std::string& variant_file,
                        const std::string& variant_text_in) {
  // yaml-cpp ends lines at LF (and CRLF) only: a file saved with classic Mac
  // line endings (CR) would read as one line
  auto lf_lines = [](std::string t) {
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i] == '\r' && (i + 1 == t.size() || t[i + 1] != '\n')) t[i] = '\n';
    return t;
  };
  const std::string variant_text = lf_lines(variant_text_in);
  YamlReader r(file);
  YAML::Node doc = load_yaml(file, lf_lines(text));
  if (!doc.IsMap()) r.fail(doc, "<document>", "a scenario is a mapping");
  r.allow_keys(doc, "",
               {"name", "description", "era", "geometry", "initial", "devices", "threads", "variant", "explore",
                "expect", "timing"});
  Scenario sc;
  sc.file = file;
  sc.name = r.str(r.need(doc, "", "name"), "name");
  sc.name_line = doc["name"].Mark().line + 1;
  if (doc["description"]) sc.description = r.str(doc["description"], "description");
  const OpCatalog& cat = OpCatalog::get();
  sc.era = r.one_of(r.need(doc, "", "era"), "era", cat.eras());
  if (doc["geometry"]) parse_geometry(r, doc["geometry"], sc.geo);

  // the era's memory notifier chain with its distribution's callbacks unless
  // initial.notifiers says otherwise
  sc.notifiers = default_memory_notifiers(sc.era);
  if (doc["initial"]) {
    const YAML::Node& in = doc["initial"];
    r.allow_keys(in, "initial",
                 {"boot_sections", "boot_pages", "nodes", "anon_pages", "cpuless_nodes", "holes", "notifiers"});
    if (in["notifiers"]) sc.notifiers = parse_notifiers(r, in["notifiers"], sc.era);
    if (in["anon_pages"])
      sc.anon_pages = static_cast<std::uint32_t>(r.u64(in["anon_pages"], "initial.anon_pages", 0, 64));
    if (in["boot_sections"] && in["boot_pages"]) r.fail(in, "initial", "give boot_sections or boot_pages, not both");
    if (in["boot_pages"]) {
      sc.boot_pages = r.u64(in["boot_pages"], "initial.boot_pages", 0, sc.geo.nr_pfns());
      if (sc.boot_pages % sc.geo.pages_per_subsection)
        r.fail(in["boot_pages"], "initial.boot_pages",
               "must be a multiple of pages_per_subsection (" + std::to_string(sc.geo.pages_per_subsection) + ")");
    }
    if (in["nodes"]) sc.nodes = static_cast<std::uint32_t>(r.u64(in["nodes"], "initial.nodes", 1, 8));
    if (in["boot_sections"])
      sc.boot_sections =
          static_cast<std::uint32_t>(r.u64(in["boot_sections"], "initial.boot_sections", 0, sc.geo.sections));
    if (in["cpuless_nodes"]) {
      r.require_seq(in["cpuless_nodes"], "initial.cpuless_nodes");
      for (std::size_t i = 0; i < in["cpuless_nodes"].size(); ++i) {
        const std::string f = "initial.cpuless_nodes[" + std::to_string(i) + "]";
        const auto nid = r.u64(in["cpuless_nodes"][i], f, 0, sc.nodes - 1);
        if ((sc.cpuless_nodes >> nid) & 1)
          r.fail(in["cpuless_nodes"][i], f, "node " + std::to_string(nid) + " is listed twice");
        sc.cpuless_nodes |= std::uint32_t(1) << nid;
      }
    }
    if (in["holes"]) parse_holes(r, in["holes"], sc);
  }
  if (doc["devices"]) {
    r.require_seq(doc["devices"], "devices");
    for (std::size_t i = 0; i < doc["devices"].size(); ++i)
      parse_device(r, doc["devices"][i], "devices[" + std::to_string(i) + "]", sc.geo, machine_of(sc).boot_pfns(),
                   sc.nodes, sc.era, sc.devices);
  }

  const YAML::Node& threads = r.need(doc, "", "threads");
  r.require_seq(threads, "threads");
  if (threads.size() == 0 || threads.size() > kMaxThreads)
    r.fail(threads, "threads", "between 1 and " + std::to_string(kMaxThreads) + " threads");
  std::set<std::string> names;
  for (std::size_t i = 0; i < threads.size(); ++i) {
    const YAML::Node& n = threads[i];
    std::string p = "threads[" + std::to_string(i) + "]";
    r.allow_keys(n, p,
                 {"name", "op", "device", "pfn", "nr_pages", "nid", "zone", "retries", "after", "start_s", "fail",
                  "vpage", "memmap_on_memory"});
    ThreadSpec t;
    t.line = n.Mark().line + 1;
    t.name = r.str(r.need(n, p, "name"), p + ".name");
    if (!names.insert(t.name).second) r.fail(n["name"], p + ".name", "thread name '" + t.name + "' used twice");
    t.op = r.one_of(r.need(n, p, "op"), p + ".op", cat.ops(sc.era));
    const OpProgram* prog = cat.find(sc.era, t.op);
    auto needs = [&](const char* f) {
      for (auto& x : prog->params)
        if (x == f) return true;
      return false;
    };
    bool range = needs("range");
    if (needs("device") && !n["device"]) r.fail(n, p + ".device", "op '" + t.op + "' needs this field");
    if (!needs("device") && n["device"]) r.fail(n["device"], p + ".device", "op '" + t.op + "' takes no 'device'");
    if ((needs("pfn") || range) && !n["pfn"]) r.fail(n, p + ".pfn", "op '" + t.op + "' needs this field");
    if (!needs("pfn") && !range && n["pfn"]) r.fail(n["pfn"], p + ".pfn", "op '" + t.op + "' takes no 'pfn'");
    if (!range && n["nr_pages"]) r.fail(n["nr_pages"], p + ".nr_pages", "op '" + t.op + "' works on one pfn");
    if (n["device"]) {
      std::string dn = r.str(n["device"], p + ".device");
      int idx = -1;
      for (std::size_t d = 0; d < sc.devices.size(); ++d)
        if (sc.devices[d].name == dn) idx = static_cast<int>(d);
      if (idx < 0) r.fail(n["device"], p + ".device", "no device named '" + dn + "' in devices");
      t.args.pgmap = idx;
      t.args.start = sc.devices[idx].start;
      t.args.nr_pages = sc.devices[idx].nr_pages;
      t.args.nid = sc.devices[idx].nid;
      t.args.zone = ZONE_DEVICE;
    }
    if (prog->device != OpProgram::Device::Any && t.args.pgmap >= 0) {
      const PgmapType type = sc.devices[std::size_t(t.args.pgmap)].type;
      if (prog->device == OpProgram::Device::Private && type != PgmapType::Private)
        r.fail(n["device"], p + ".device",
               "op '" + t.op + "' is a device-private driver's: the device needs type: private");
      if (prog->device == OpProgram::Device::Hmm && type != PgmapType::Private && type != PgmapType::Coherent)
        r.fail(n["device"], p + ".device",
               "op '" + t.op + "' is lib/test_hmm.c's: the device needs type: private or type: coherent");
    }
    if (needs("vpage")) {
      if (!sc.anon_pages)
        r.fail(n, p + ".vpage", "op '" + t.op + "' works on the test process's mapping: set initial.anon_pages");
      if (!n["vpage"]) r.fail(n, p + ".vpage", "op '" + t.op + "' needs this field");
      t.args.vpage = static_cast<std::uint32_t>(r.u64(n["vpage"], p + ".vpage", 0, sc.anon_pages - 1));
    } else if (n["vpage"]) {
      r.fail(n["vpage"], p + ".vpage", "op '" + t.op + "' takes no 'vpage'");
    }
    if (n["pfn"]) {
      t.args.start = r.u64(n["pfn"], p + ".pfn", 0, sc.geo.nr_pfns() - 1);
      t.args.nr_pages = 1;
      if (range) {
        Pfn block = sc.geo.pages_per_block();
        t.args.nr_pages = n["nr_pages"] ? r.u64(n["nr_pages"], p + ".nr_pages", 1, sc.geo.nr_pfns() - t.args.start)
                                        : std::min<Pfn>(block, sc.geo.nr_pfns() - t.args.start);
      }
    }
    if (prog->block_unit) {  // the op file's `unit: memory_block`: the hotplug ops
      Pfn block = sc.geo.pages_per_block();
      if (t.args.start % block)
        r.fail(n["pfn"], p + ".pfn", "must start a memory block (" + std::to_string(block) + " pages)");
      if (t.args.nr_pages % block)
        r.fail(n["nr_pages"] ? n["nr_pages"] : n, p + ".nr_pages", "must be whole memory blocks");
      for (const FirmwareHole& h : sc.holes)  // what hotplug does with a hole is not modelled
        if (t.args.start < h.start + h.nr_pages && h.start < t.args.start + t.args.nr_pages)
          r.fail(n["pfn"] ? n["pfn"] : n, p + ".pfn",
                 t.op + " on a memory block holding a firmware hole (initial.holes) is not modelled");
    }
    if (n["nid"]) {
      if (n["device"]) r.fail(n["nid"], p + ".nid", "a device thread runs on its device's node");
      t.args.nid = static_cast<int>(r.u64(n["nid"], p + ".nid", 0, sc.nodes - 1));
    }
    if (n["zone"]) {
      if (n["device"]) r.fail(n["zone"], p + ".zone", "a device thread works on ZONE_DEVICE");
      if (prog->zone_from_pages)  // the op file's `zone: from_pages`
        r.fail(n["zone"], p + ".zone", t.op + " takes its zone from the pages (test_pages_in_a_zone())");
      std::string z = r.one_of(n["zone"], p + ".zone", {"normal", "movable", "device"});
      t.args.zone = z == "normal" ? ZONE_NORMAL : z == "movable" ? ZONE_MOVABLE : ZONE_DEVICE;
    }
    if (n["memmap_on_memory"]) {
      if (!prog->memmap_on_memory)  // the op file's `mhp_flags: [memmap_on_memory]`
        r.fail(n["memmap_on_memory"], p + ".memmap_on_memory",
               "op '" + t.op + "' of era " + sc.era + " takes no MHP_MEMMAP_ON_MEMORY");
      t.args.memmap_on_memory = r.boolean(n["memmap_on_memory"], p + ".memmap_on_memory");
    }
    if (n["start_s"]) t.start_s = r.number(n["start_s"], p + ".start_s", 0, 1e6);
    if (n["retries"]) t.args.retries = static_cast<std::uint32_t>(r.u64(n["retries"], p + ".retries", 0, 1000));
    if (n["after"]) {
      std::string a = r.str(n["after"], p + ".after");
      for (std::size_t j = 0; j < sc.threads.size(); ++j)
        if (sc.threads[j].name == a) t.after = static_cast<int>(j);
      if (t.after < 0) r.fail(n["after"], p + ".after", "no earlier thread named '" + a + "'");
    }
    if (n["fail"]) t.fail = parse_fail(r, n["fail"], p + ".fail");
    if (!sc.programs.count(t.op)) sc.programs.emplace(t.op, *prog);
    sc.threads.push_back(t);
  }

  YAML::Node variant = doc["variant"];
  std::string vfile = variant_file.empty() ? file : variant_file;
  std::string vtext = variant_text;
  bool has_variant = static_cast<bool>(variant);
  bool from_file = !variant_file.empty();
  if (variant_file.empty() && variant && variant.IsScalar()) {
    // `variant: FILE`: a variant file, its path relative to the scenario's
    std::string path = r.str(variant, "variant");
    if (!path.empty() && path[0] != '/') {
      auto slash = file.rfind('/');
      if (slash != std::string::npos) path = file.substr(0, slash + 1) + path;
    }
    struct stat st;
    if (stat(path.c_str(), &st) != 0) r.fail(variant, "variant", "no variant file '" + path + "'");
    vfile = path;
    vtext = lf_lines(read_file(path));
    from_file = true;
  }
  YamlReader vr(vfile);
  if (variant_file == "-") {
    has_variant = false;
  } else if (from_file) {
    YAML::Node vdoc = load_yaml(vfile, vtext);
    YAML::Node era;
    bool has_era = false;
    variant = variant_of_file(vr, vdoc, era, has_era);
    if (has_era && era.Scalar() != sc.era)
      vr.fail(era, "era",
              "the variant's edits are written for era " + era.Scalar() + "; " + file + " runs era " + sc.era);
    has_variant = true;
  }
  if (has_variant) {
    const YamlReader& r = vr;
    const YAML::Node& v = variant;
    r.require_map(v, "variant");
    r.allow_keys(v, "variant", {"name", "edits"});
    sc.variant = r.str(r.need(v, "variant", "name"), "variant.name");
    if (v["edits"]) {
      r.require_seq(v["edits"], "variant.edits");
      for (std::size_t i = 0; i < v["edits"].size(); ++i) {
        std::string p = "variant.edits[" + std::to_string(i) + "]";
        VariantEdit e = parse_edit(r, v["edits"][i], p);
        if (!sc.programs.count(e.op))
          r.fail(v["edits"][i]["op"], p + ".op", "no thread of this scenario runs op '" + e.op + "'");
        for (std::size_t j = 0; j < e.threads.size(); ++j) {
          const YAML::Node& tn = v["edits"][i]["thread"];
          const YAML::Node& at = tn.IsSequence() ? tn[j] : tn;
          std::string f = p + ".thread" + (tn.IsSequence() ? "[" + std::to_string(j) + "]" : "");
          auto t = std::find_if(sc.threads.begin(), sc.threads.end(),
                                [&](const ThreadSpec& x) { return x.name == e.threads[j]; });
          if (t == sc.threads.end()) r.fail(at, f, "no thread named '" + e.threads[j] + "'");
          if (t->op != e.op) r.fail(at, f, "thread '" + e.threads[j] + "' runs " + t->op + ", not " + e.op);
        }
        sc.edits.push_back(e);
      }
    }
  }
  // Each thread's program: its op's, with the edits for every thread of the
  // op and those naming it, in the order written. Threads that no edit names
  // share the op's program.
  for (const VariantEdit& e : sc.edits)
    if (e.threads.empty()) apply_edit(sc.programs.at(e.op), e);
  for (ThreadSpec& t : sc.threads) {
    bool own = false;
    for (const VariantEdit& e : sc.edits)
      own = own || std::find(e.threads.begin(), e.threads.end(), t.name) != e.threads.end();
    if (!own) continue;
    OpProgram p = *cat.find(sc.era, t.op);
    for (const VariantEdit& e : sc.edits)
      if (e.threads.empty() || std::find(e.threads.begin(), e.threads.end(), t.name) != e.threads.end())
        apply_edit(p, e);
    t.program = t.op + "@" + t.name;
    sc.programs.emplace(t.program, std::move(p));
  }
  for (ThreadSpec& t : sc.threads)
    check_injections(file, t, sc.programs.at(t.program.empty() ? t.op : t.program), sc.notifiers);
  // The pages each thread may touch, from its op file's `pages:`. An edit
  // that inserts or replaces a primitive brings code the declaration does
  // not speak for: that thread may touch any page.
  for (ThreadSpec& t : sc.threads) {
    const OpProgram& prog = sc.programs.at(t.program.empty() ? t.op : t.program);
    bool new_code = false, new_locks = false;
    for (const VariantEdit& e : sc.edits) {
      if (e.op != t.op ||
          !(e.threads.empty() || std::find(e.threads.begin(), e.threads.end(), t.name) != e.threads.end()))
        continue;
      using K = VariantEdit::Kind;
      new_code |= e.kind == K::Insert || e.kind == K::Replace;
      // an observer only loads: a lock added or changed makes it none
      new_locks |= e.kind != K::Move && e.kind != K::Unwrap && e.kind != K::Drop && e.kind != K::Remove;
    }
    t.observer = prog.observer && !new_code && !new_locks;
    t.pages_any = prog.pages == OpProgram::Pages::Any || new_code;
    if (t.pages_any) continue;
    t.pages_lo = t.args.start;
    t.pages_hi = t.args.start + t.args.nr_pages;
    if (prog.pages == OpProgram::Pages::Device || prog.pages == OpProgram::Pages::DeviceSections) {
      // the device's pfns (though a pfn field narrowed args), widened to
      // whole subsections, or sections before v5.3 (ba72b4c8cf60): the
      // memmap is populated and poisoned so
      const PgmapDesc& d = sc.devices[std::size_t(t.args.pgmap)];
      const Pfn sub = prog.pages == OpProgram::Pages::Device ? sc.geo.pages_per_subsection : sc.geo.pages_per_section();
      t.pages_lo = d.start / sub * sub;
      t.pages_hi = std::min<Pfn>((d.start + d.nr_pages + sub - 1) / sub * sub, sc.geo.nr_pfns());
    }
  }

  if (doc["explore"]) {
    const YAML::Node& x = doc["explore"];
    r.allow_keys(x, "explore",
                 {"strategy", "depth", "bound", "reduce", "executions", "seed", "step_budget", "check_invariants",
                  "shrink", "observers"});
    if (x["reduce"]) sc.reduce = r.one_of(x["reduce"], "explore.reduce", {"none", "sleep", "dpor"});
    if (x["shrink"]) sc.shrink = r.boolean(x["shrink"], "explore.shrink");
    if (x["bound"]) sc.bound = static_cast<unsigned>(r.u64(x["bound"], "explore.bound", 0, 16));
    if (x["bound"] && sc.reduce == "sleep")  // BPOR (Coons et al. 2013): a bound prunes what a sleep set relies on
      r.fail(x["bound"], "explore.bound",
             "sleep sets search unbounded (a bound makes them miss schedules); use reduce: dpor or none with a bound");
    if (x["depth"]) sc.depth = static_cast<unsigned>(r.u64(x["depth"], "explore.depth", 1, 8));
    if (x["check_invariants"]) sc.check_invariants = r.boolean(x["check_invariants"], "explore.check_invariants");
    if (x["strategy"]) sc.strategy = r.one_of(x["strategy"], "explore.strategy", {"random", "pct", "pos", "dfs"});
    if (x["executions"]) {
      sc.executions = r.u64(x["executions"], "explore.executions", 0, 100000000);
      // 0: only the timing run (itself checked), for real geometries
      if (sc.executions == 0 && !doc["timing"])
        r.fail(x["executions"], "explore.executions",
               "0 executions needs a `timing:` section (its run is the one execution)");
    }
    if (x["seed"]) sc.seed = r.u64(x["seed"], "explore.seed", 0, UINT64_MAX);
    if (x["step_budget"]) sc.step_budget = r.u64(x["step_budget"], "explore.step_budget", 10, 1000000000);
    sc.step_budget_set = bool(x["step_budget"]);
    if (x["observers"]) {
      sc.observers_per_pfn = r.one_of(x["observers"], "explore.observers", {"whole", "per_pfn"}) == "per_pfn";
      if (sc.observers_per_pfn && sc.strategy != "dfs")
        r.fail(x["observers"], "explore.observers", "per_pfn splits a dfs search; needs explore.strategy: dfs");
      // a piece's schedules have fewer preemptions than the whole search's
      if (sc.observers_per_pfn && (sc.reduce == "none" || sc.bound))
        r.fail(x["observers"], "explore.observers",
               "per_pfn splits an unbounded search (reduce: dpor or sleep, no bound): a preemption bound counts "
               "differently in each piece");
      bool any = false;
      for (const ThreadSpec& t : sc.threads) any |= t.observer;
      if (sc.observers_per_pfn && !any)
        r.fail(x["observers"], "explore.observers",
               "no thread's op file declares `observer: true` (a variant edit that adds code or a lock to its "
               "program voids it)");
    }
  }
  if (!sc.step_budget_set) sc.step_budget = derived_step_budget(sc.geo, sc.threads.size());

  if (doc["expect"]) {
    const YAML::Node& x = doc["expect"];
    sc.expect_line = x.Mark().line + 1;
    r.allow_keys(x, "expect", {"findings", "other_findings", "complete"});
    if (x["complete"]) {
      sc.expect_complete = r.boolean(x["complete"], "expect.complete");
      // only a dfs search can complete; under another strategy the
      // expectation would never be checked and the file would read as a proof
      if (sc.expect_complete && sc.strategy != "dfs")
        r.fail(x["complete"], "expect.complete",
               "needs explore.strategy: dfs (only a dfs search can complete), got '" + sc.strategy + "'");
      sc.expect_complete_line = x["complete"].Mark().line + 1;
    }
    if (x["findings"]) {
      r.require_seq(x["findings"], "expect.findings");
      for (std::size_t i = 0; i < x["findings"].size(); ++i) {
        const YAML::Node& f = x["findings"][i];
        std::string p = "expect.findings[" + std::to_string(i) + "]";
        r.allow_keys(f, p, {"kind", "key", "fixed_by", "still_in", "limitation", "required"});
        ExpectSpec e;
        e.line = f.Mark().line + 1;
        const std::string kind = r.one_of(r.need(f, p, "kind"), p + ".kind", finding_kind_names());
        e.kind = *finding_kind_of(kind);
        e.key = f["key"] ? r.str(f["key"], p + ".key") : kind + "/*";
        parse_expect_reason(r, f, p, e);
        if (f["required"]) e.required = r.boolean(f["required"], p + ".required");
        sc.expect.push_back(e);
      }
    }
    if (x["other_findings"])
      sc.other_findings_allowed =
          r.one_of(x["other_findings"], "expect.other_findings", {"allowed", "forbidden"}) == "allowed";
  }

  if (doc["timing"]) {
    const YAML::Node& x = doc["timing"];
    TimingSpec& t = sc.timing;
    t.present = true;
    t.line = x.Mark().line + 1;
    r.require_map(x, "timing");
    r.allow_keys(x, "timing", {"cpus", "costs", "expect"});
    if (x["cpus"]) t.cpus = static_cast<unsigned>(r.u64(x["cpus"], "timing.cpus", 1, 4096));
    if (x["costs"]) t.costs = parse_costs(r, x["costs"], "timing.costs");
    if (x["expect"]) {
      const YAML::Node& e = x["expect"];
      r.require_map(e, "timing.expect");
      r.allow_keys(e, "timing.expect", {"makespan_s", "speedup_over"});
      auto range = [&](const YAML::Node& n, const std::string& f, double& lo, double& hi) {
        r.require_map(n, f);
        lo = r.number(r.need(n, f, "min"), f + ".min", 0, 1e12);
        hi = r.number(r.need(n, f, "max"), f + ".max", 0, 1e12);
        if (hi < lo) r.fail(n["max"], f + ".max", "must not be below min");
      };
      if (e["makespan_s"]) {
        t.has_makespan = true;
        r.allow_keys(e["makespan_s"], "timing.expect.makespan_s", {"min", "max"});
        range(e["makespan_s"], "timing.expect.makespan_s", t.makespan_min_s, t.makespan_max_s);
      }
      if (e["speedup_over"]) {
        const YAML::Node& s = e["speedup_over"];
        r.allow_keys(s, "timing.expect.speedup_over", {"scenario", "min", "max"});
        t.speedup_over =
            r.str(r.need(s, "timing.expect.speedup_over", "scenario"), "timing.expect.speedup_over.scenario");
        range(s, "timing.expect.speedup_over", t.speedup_min, t.speedup_max);
      }
    }
  }
  return sc;
}

std::uint32_t default_memory_notifiers(const std::string& era) {
  std::uint32_t mask = notifier_bit(MemoryNotifier::None);
  for (MemoryNotifier id : OpCatalog::get().notifiers(era))
    for (const auto& i : memory_notifiers())
      if (i.id == id && i.default_on) mask |= notifier_bit(id);
  return mask;
}

MachineSpec machine_of(const Scenario& sc) {
  MachineSpec m;
  m.geo = sc.geo;
  m.nodes = sc.nodes;
  m.boot_sections = sc.boot_sections;
  m.anon_pages = sc.anon_pages;
  m.cpuless_nodes = sc.cpuless_nodes;
  m.memory_notifiers = sc.notifiers;
  m.boot_pages = sc.boot_pages;
  // 5ec8e8ea8b77 is in every tree from the 6.1 era on (6.1.158, 6.6.57, v6.8+)
  const auto& eras = known_eras();
  const auto era = std::find(eras.begin(), eras.end(), sc.era);
  m.section_usage_rcu = era >= std::find(eras.begin(), eras.end(), "v6.1");
  m.section_usage = era >= std::find(eras.begin(), eras.end(), "v5.3");
  m.holes = sc.holes;
  // zero_resv_unavail() over every hole: 907ec5fca3dc (v4.20); zone and node
  // links: 0740a50b9baa (v5.12, in the 5.10.y tree); pfn_to_online_page()'s
  // subsection test: 1f90a3477df3 (v5.12, not in 5.10.y)
  m.hole_memmap = era < std::find(eras.begin(), eras.end(), "v4.20")   ? HoleMemmap::ReservedOnly
                  : era < std::find(eras.begin(), eras.end(), "v5.10") ? HoleMemmap::Zeroed
                                                                       : HoleMemmap::ZoneLinks;
  m.online_subsection_test = era >= std::find(eras.begin(), eras.end(), "v5.14");
  m.devices = sc.devices;
  return m;
}

VariantSpec parse_variant_file(const std::string& file, const std::string& text) {
  YamlReader r(file);
  YAML::Node doc = load_yaml(file, text);
  YAML::Node era;
  bool has_era = false;
  YAML::Node v = variant_of_file(r, doc, era, has_era);
  r.require_map(v, "variant");
  r.allow_keys(v, "variant", {"name", "edits"});
  VariantSpec out;
  out.file = file;
  out.name = r.str(r.need(v, "variant", "name"), "variant.name");
  if (has_era) {
    out.era = era.Scalar();
    out.era_line = era.Mark().line + 1;
    out.era_col = era.Mark().column + 1;
  }
  if (v["edits"]) {
    r.require_seq(v["edits"], "variant.edits");
    for (std::size_t i = 0; i < v["edits"].size(); ++i)
      out.edits.push_back(parse_edit(r, v["edits"][i], "variant.edits[" + std::to_string(i) + "]"));
  }
  return out;
}

bool is_scenario_text(const std::string& text) {
  try {
    YAML::Node doc = YAML::Load(text);
    return doc.IsMap() && doc["threads"];
  } catch (const YAML::Exception&) {
    return false;
  }
}

std::string read_input_file(const std::string& path) { return read_file(path); }

Scenario load_scenario(const std::string& path, const std::string& variant_file) {
  std::string vtext = variant_file.empty() || variant_file == "-" ? "" : read_file(variant_file);
  return parse_scenario(path, read_file(path), variant_file, vtext);
}

}  // namespace mhp
