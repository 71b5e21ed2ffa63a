#include "tools/cli/baseline.hpp"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/scenario/scenario.hpp"
#include "model/support/input_error.hpp"

namespace fs = std::filesystem;

namespace mhp {

namespace {

std::string canon(const fs::path& p) { return fs::weakly_canonical(p).lexically_normal().string(); }

std::string dir_of(const std::string& path) {
  fs::path d = fs::path(path).parent_path();
  return canon(d.empty() ? fs::current_path() : fs::absolute(d));
}

}  // namespace

Baseline Baseline::load(const std::string& path) {
  struct stat st;  // before opening: a FIFO would block
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw InputError(path, 0, 0, "<file>", "not a regular file");
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, 0, "<file>", "cannot read the baseline file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(path, ss.str());
}

Baseline Baseline::parse(const std::string& path, const std::string& text) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(path, e.mark.line + 1, e.mark.column + 1, "<yaml>", e.msg);
  }
  auto fail = [&](const YAML::Node& n, const std::string& field, const std::string& msg) -> void {
    throw InputError(path, n.Mark().line + 1, n.Mark().column + 1, field, msg);
  };
  if (!doc.IsMap()) throw InputError(path, 1, 1, "<document>", "a baseline is a mapping with 'version' and 'accepted'");
  // a key that is a list or a map (`? [a]: b`) is no field name
  auto key_of = [&](const YAML::Node& k, const std::string& in) {
    if (!k.IsScalar()) fail(k, in.empty() ? "<key>" : in + ".<key>", "a field name must be a string");
    return k.Scalar();
  };
  for (const auto& kv : doc) {
    std::string k = key_of(kv.first, "");
    if (k != "version" && k != "accepted") fail(kv.first, k, "unknown field (expected 'version' or 'accepted')");
  }
  if (!doc["version"]) fail(doc, "version", "missing (must be 1)");
  if (!doc["version"].IsScalar() || doc["version"].Scalar() != "1") fail(doc["version"], "version", "must be 1");
  Baseline b;
  b.dir_ = dir_of(path);
  if (!doc["accepted"] || doc["accepted"].IsNull()) return b;
  const YAML::Node acc = doc["accepted"];
  if (!acc.IsSequence()) fail(acc, "accepted", "must be a list of {file, kind, key}");
  for (std::size_t i = 0; i < acc.size(); ++i) {
    const YAML::Node e = acc[i];
    std::string p = "accepted[" + std::to_string(i) + "]";
    if (!e.IsMap()) fail(e, p, "must be a mapping with file, kind and key");
    for (const auto& kv : e) {
      std::string k = key_of(kv.first, p);
      if (k != "file" && k != "kind" && k != "key" && k != "scenario")
        fail(kv.first, p + "." + k, "unknown field (expected file, scenario, kind, key)");
    }
    auto need = [&](const char* f) {
      if (!e[f]) fail(e, p + "." + f, "missing");
      if (!e[f].IsScalar() || e[f].Scalar().empty()) fail(e[f], p + "." + f, "must be a non-empty string");
      return e[f].Scalar();
    };
    std::string file = need("file"), kind = need("kind"), key = need("key");
    if (e["scenario"] && !e["scenario"].IsScalar()) fail(e["scenario"], p + ".scenario", "must be a string");
    if (!finding_kind_of(kind)) fail(e["kind"], p + ".kind", "unknown finding kind '" + kind + "'");
    if (key.rfind(kind + "/", 0) != 0 && key != kind)
      fail(e["key"], p + ".key", "key '" + key + "' does not belong to kind '" + kind + "'");
    std::string path_of_file;
    try {  // a name the file system refuses (too long, ...) is a bad entry, not a crash
      path_of_file = canon(fs::path(b.dir_) / file);
    } catch (const fs::filesystem_error& err) {
      fail(e["file"], p + ".file", std::string("not a usable file name: ") + err.code().message());
    }
    b.entries_.emplace(path_of_file, kind, key);
  }
  return b;
}

void Baseline::apply(ScenarioResult& r) const {
  std::string file = canon(fs::absolute(r.file));
  std::vector<Finding> kept;
  std::string fresh;
  for (auto& f : r.findings) {
    if (entries_.count({file, finding_kind_name(f.kind), f.key})) {
      ++r.suppressed;
      r.suppressed_findings.push_back(f);
      continue;
    }
    fresh += (fresh.empty() ? "" : "\n") + std::string("new finding (not in the baseline): ") + f.key;
    kept.push_back(std::move(f));
  }
  r.findings = std::move(kept);
  r.baselined = true;
  std::string line = "baseline: " + std::to_string(r.suppressed) + " accepted finding(s) suppressed, " +
                     std::to_string(r.findings.size()) + " new";
  r.expect_lines.push_back(line);
  r.expectations.push_back({"baseline", 0, r.findings.empty(), fresh.empty() ? line : fresh});
  if (!r.findings.empty()) r.ok = false;
}

std::string write_baseline(const std::vector<ScenarioResult>& results, const std::string& path) {
  std::string dir = dir_of(path);
  struct Row {
    std::string file, scenario, kind, key;
    bool operator<(const Row& o) const { return std::tie(file, kind, key) < std::tie(o.file, o.kind, o.key); }
  };
  std::set<Row> rows;
  for (const auto& r : results)
    for (const auto& f : r.findings)
      rows.insert({fs::path(canon(fs::absolute(r.file))).lexically_relative(dir).generic_string(), r.name,
                   finding_kind_name(f.kind), f.key});
  YAML::Emitter out;
  out << YAML::Comment(
             "mhpsim baseline: accepted findings. `mhpsim run --baseline FILE` reports only others.\n"
             "Written by `mhpsim baseline`; files are relative to this file's directory.")
      << YAML::Newline;
  out << YAML::BeginMap << YAML::Key << "version" << YAML::Value << 1 << YAML::Key << "accepted" << YAML::Value
      << YAML::BeginSeq;
  for (const auto& row : rows)
    out << YAML::BeginMap << YAML::Key << "file" << YAML::Value << row.file << YAML::Key << "scenario" << YAML::Value
        << row.scenario << YAML::Key << "kind" << YAML::Value << row.kind << YAML::Key << "key" << YAML::Value
        << YAML::DoubleQuoted << row.key << YAML::EndMap;
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mhp
