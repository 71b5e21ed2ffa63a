#include "model/scenario/scenario.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "model/scenario/yaml_util.hpp"

namespace mhp {

const std::vector<std::string>& finding_kinds() {
  static const std::vector<std::string> k = {"uninit", "stale", "race", "deadlock", "livelock"};
  return k;
}

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

void parse_geometry(const YamlReader& r, const YAML::Node& n, Geometry& g) {
  r.allow_keys(n, "geometry", {"pages_per_subsection", "subsections_per_section", "sections"});
  if (n["pages_per_subsection"])
    g.pages_per_subsection = static_cast<std::uint32_t>(r.u64(n["pages_per_subsection"], "geometry.pages_per_subsection", 1, 512));
  if (n["subsections_per_section"])
    g.subsections_per_section =
        static_cast<std::uint32_t>(r.u64(n["subsections_per_section"], "geometry.subsections_per_section", 1, 64));
  if (n["sections"]) g.sections = static_cast<std::uint32_t>(r.u64(n["sections"], "geometry.sections", 1, 4096));
  if (g.nr_pfns() > (1u << 20))
    r.fail(n, "geometry", "more than 2^20 pages need the range-compressed memmap (issue 4)");
}

void parse_device(const YamlReader& r, const YAML::Node& n, const std::string& p, const Geometry& g,
                  std::uint32_t boot_sections, std::vector<PgmapDesc>& out) {
  r.allow_keys(n, p, {"name", "start_pfn", "nr_pages", "type", "altmap"});
  PgmapDesc d;
  d.name = r.str(r.need(n, p, "name"), p + ".name");
  for (auto& o : out)
    if (o.name == d.name) r.fail(n["name"], p + ".name", "device '" + d.name + "' is declared twice");
  d.start = r.u64(r.need(n, p, "start_pfn"), p + ".start_pfn", 0, g.nr_pfns() - 1);
  d.nr_pages = r.u64(r.need(n, p, "nr_pages"), p + ".nr_pages", 1, g.nr_pfns() - d.start);
  // memremap_pages() works in subsections (2 MiB): both ends must be aligned
  if (d.start % g.pages_per_subsection)
    r.fail(n["start_pfn"], p + ".start_pfn", "must be a multiple of pages_per_subsection (" +
                                                 std::to_string(g.pages_per_subsection) + ")");
  if (d.nr_pages % g.pages_per_subsection)
    r.fail(n["nr_pages"], p + ".nr_pages", "must be a multiple of pages_per_subsection (" +
                                               std::to_string(g.pages_per_subsection) + ")");
  if (n["type"]) {
    std::string t = r.one_of(n["type"], p + ".type", {"fsdax", "generic", "private"});
    d.type = t == "fsdax" ? PgmapType::FsDax : t == "generic" ? PgmapType::Generic : PgmapType::Private;
  }
  if (n["altmap"]) {
    const YAML::Node& a = n["altmap"];
    r.allow_keys(a, p + ".altmap", {"reserve", "free"});
    d.altmap = true;
    d.altmap_reserve = static_cast<std::uint32_t>(r.u64(r.need(a, p + ".altmap", "reserve"), p + ".altmap.reserve", 0, d.nr_pages));
    d.altmap_free = static_cast<std::uint32_t>(r.u64(r.need(a, p + ".altmap", "free"), p + ".altmap.free", 0, d.nr_pages));
    if (d.altmap_reserve + d.altmap_free >= d.nr_pages)
      r.fail(a, p + ".altmap", "reserve + free must leave at least one data page in the device");
  }
  if (d.start < Pfn(boot_sections) * g.pages_per_section())
    r.fail(n["start_pfn"], p + ".start_pfn", "device overlaps boot memory (initial.boot_sections)");
  for (auto& o : out)
    if (d.start < o.start + o.nr_pages && o.start < d.start + d.nr_pages)
      r.fail(n, p, "device '" + d.name + "' overlaps device '" + o.name + "'");
  out.push_back(d);
}

VariantEdit parse_edit(const YamlReader& r, const YAML::Node& n, const std::string& p) {
  VariantEdit e;
  e.file = r.file();
  e.line = n.Mark().line + 1;
  e.col = n.Mark().column + 1;
  r.require_map(n, p);
  if (n["move"]) {
    r.allow_keys(n, p, {"op", "move", "after", "before"});
    e.kind = VariantEdit::Kind::Move;
    e.step = r.str(n["move"], p + ".move");
    if (n["after"].IsDefined() == n["before"].IsDefined()) r.fail(n, p, "a move needs exactly one of 'after' or 'before'");
    e.after = n["after"].IsDefined();
    e.anchor = r.str(e.after ? n["after"] : n["before"], p + (e.after ? ".after" : ".before"));
  } else if (n["wrap"]) {
    r.allow_keys(n, p, {"op", "wrap", "lock", "mode", "via", "done"});
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
    e.mode = r.one_of(r.need(n, p, "mode"), p + ".mode", {"read", "write"});
    if (!lock_mode_valid(e.lock, e.mode)) r.fail(n["mode"], p + ".mode", e.lock + " cannot be taken in " + e.mode + " mode");
    if (n["via"]) e.via = r.str(n["via"], p + ".via");
    if (n["done"]) e.done = r.str(n["done"], p + ".done");
  } else {
    r.fail(n, p, "an edit is 'move' or 'wrap'");
  }
  e.op = r.str(r.need(n, p, "op"), p + ".op");
  return e;
}

}  // namespace

Scenario parse_scenario(const std::string& file, const std::string& text) {
  YamlReader r(file);
  YAML::Node doc = load_yaml(file, text);
  if (!doc.IsMap()) r.fail(doc, "<document>", "a scenario is a mapping");
  r.allow_keys(doc, "", {"name", "description", "era", "geometry", "initial", "devices", "threads", "variant", "explore",
                        "expect"});
  Scenario sc;
  sc.file = file;
  sc.name = r.str(r.need(doc, "", "name"), "name");
  if (doc["description"]) sc.description = r.str(doc["description"], "description");
  const OpCatalog& cat = OpCatalog::get();
  sc.era = r.one_of(r.need(doc, "", "era"), "era", cat.eras());
  if (doc["geometry"]) parse_geometry(r, doc["geometry"], sc.geo);

  if (doc["initial"]) {
    const YAML::Node& in = doc["initial"];
    r.allow_keys(in, "initial", {"boot_sections"});
    if (in["boot_sections"])
      sc.boot_sections =
          static_cast<std::uint32_t>(r.u64(in["boot_sections"], "initial.boot_sections", 0, sc.geo.sections));
  }
  if (doc["devices"]) {
    r.require_seq(doc["devices"], "devices");
    for (std::size_t i = 0; i < doc["devices"].size(); ++i)
      parse_device(r, doc["devices"][i], "devices[" + std::to_string(i) + "]", sc.geo, sc.boot_sections,
                   sc.devices);
  }

  const YAML::Node& threads = r.need(doc, "", "threads");
  r.require_seq(threads, "threads");
  if (threads.size() == 0 || threads.size() > kMaxThreads)
    r.fail(threads, "threads", "between 1 and " + std::to_string(kMaxThreads) + " threads");
  std::set<std::string> names;
  for (std::size_t i = 0; i < threads.size(); ++i) {
    const YAML::Node& n = threads[i];
    std::string p = "threads[" + std::to_string(i) + "]";
    r.allow_keys(n, p, {"name", "op", "device", "pfn"});
    ThreadSpec t;
    t.name = r.str(r.need(n, p, "name"), p + ".name");
    if (!names.insert(t.name).second) r.fail(n["name"], p + ".name", "thread name '" + t.name + "' used twice");
    t.op = r.one_of(r.need(n, p, "op"), p + ".op", cat.ops(sc.era));
    const OpProgram* prog = cat.find(sc.era, t.op);
    auto needs = [&](const char* f) {
      for (auto& x : prog->params)
        if (x == f) return true;
      return false;
    };
    for (const char* f : {"device", "pfn"}) {
      if (needs(f) && !n[f]) r.fail(n, p + "." + f, "op '" + t.op + "' needs this field");
      if (!needs(f) && n[f]) r.fail(n[f], p + "." + f, "op '" + t.op + "' takes no '" + f + "'");
    }
    if (n["device"]) {
      std::string dn = r.str(n["device"], p + ".device");
      int idx = -1;
      for (std::size_t d = 0; d < sc.devices.size(); ++d)
        if (sc.devices[d].name == dn) idx = static_cast<int>(d);
      if (idx < 0) r.fail(n["device"], p + ".device", "no device named '" + dn + "' in devices");
      t.args.pgmap = idx;
      t.args.start = sc.devices[idx].start;
      t.args.nr_pages = sc.devices[idx].nr_pages;
    }
    if (n["pfn"]) {
      t.args.start = r.u64(n["pfn"], p + ".pfn", 0, sc.geo.nr_pfns() - 1);
      t.args.nr_pages = 1;
    }
    if (!sc.programs.count(t.op)) sc.programs.emplace(t.op, *prog);
    sc.threads.push_back(t);
  }

  if (doc["variant"]) {
    const YAML::Node& v = doc["variant"];
    r.allow_keys(v, "variant", {"name", "edits"});
    sc.variant = r.str(r.need(v, "variant", "name"), "variant.name");
    if (v["edits"]) {
      r.require_seq(v["edits"], "variant.edits");
      for (std::size_t i = 0; i < v["edits"].size(); ++i) {
        std::string p = "variant.edits[" + std::to_string(i) + "]";
        VariantEdit e = parse_edit(r, v["edits"][i], p);
        auto it = sc.programs.find(e.op);
        if (it == sc.programs.end())
          r.fail(v["edits"][i]["op"], p + ".op", "no thread of this scenario runs op '" + e.op + "'");
        apply_edit(it->second, e);
        sc.edits.push_back(e);
      }
    }
  }

  if (doc["explore"]) {
    const YAML::Node& x = doc["explore"];
    r.allow_keys(x, "explore", {"strategy", "executions", "seed", "step_budget"});
    if (x["strategy"]) sc.strategy = r.one_of(x["strategy"], "explore.strategy", {"random"});
    if (x["executions"]) sc.executions = r.u64(x["executions"], "explore.executions", 1, 100000000);
    if (x["seed"]) sc.seed = r.u64(x["seed"], "explore.seed", 0, UINT64_MAX);
    if (x["step_budget"]) sc.step_budget = r.u64(x["step_budget"], "explore.step_budget", 10, 1000000000);
  }

  if (doc["expect"]) {
    const YAML::Node& x = doc["expect"];
    r.allow_keys(x, "expect", {"findings", "other_findings"});
    if (x["findings"]) {
      r.require_seq(x["findings"], "expect.findings");
      for (std::size_t i = 0; i < x["findings"].size(); ++i) {
        const YAML::Node& f = x["findings"][i];
        std::string p = "expect.findings[" + std::to_string(i) + "]";
        r.allow_keys(f, p, {"kind", "key"});
        ExpectSpec e;
        e.kind = r.one_of(r.need(f, p, "kind"), p + ".kind", finding_kinds());
        e.key = f["key"] ? r.str(f["key"], p + ".key") : e.kind + "/*";
        sc.expect.push_back(e);
      }
    }
    if (x["other_findings"])
      sc.other_findings_allowed =
          r.one_of(x["other_findings"], "expect.other_findings", {"allowed", "forbidden"}) == "allowed";
  }
  return sc;
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, 0, "<file>", "cannot read the file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(path, ss.str());
}

}  // namespace mhp
