#include "model/kernel/function_files.hpp"

#include <algorithm>

#include "model/kernel/eras.hpp"
#include "model/support/embedded.hpp"
#include "model/support/yaml_util.hpp"

namespace mhp {

namespace {

// "v4.19-v6.1" -> the eras from the first to the last; "v6.6" -> itself.
std::vector<std::string> era_range(const YamlReader& r, const YAML::Node& at, const std::string& field,
                                   const std::string& key) {
  const auto& all = known_eras();
  const auto dash = key.find('-');
  const std::string lo = key.substr(0, dash), hi = dash == std::string::npos ? lo : key.substr(dash + 1);
  const auto a = std::find(all.begin(), all.end(), lo), b = std::find(all.begin(), all.end(), hi);
  if (a == all.end() || b == all.end() || b < a)
    r.fail(at, field, "'" + key + "' is no era or range of eras (" + join_list(all) + ")");
  return {a, b + 1};
}

}  // namespace

std::string_view frame_function(std::string_view frame) {
  const auto paren = frame.find('(');
  return paren == std::string_view::npos ? frame : frame.substr(0, paren);
}

const FunctionFiles& FunctionFiles::get() {
  static const FunctionFiles table = [] {
    const auto& files = embedded_function_files();
    return parse(files.front().path, files.front().text);
  }();
  return table;
}

FunctionFiles FunctionFiles::parse(const std::string& file, const std::string& text) {
  YamlReader r(file);
  const YAML::Node doc = load_yaml(file, text);
  r.require_map(doc, "");
  r.allow_keys(doc, "", {"model_frames", "functions"});
  FunctionFiles t;
  const YAML::Node model = r.need(doc, "", "model_frames");
  r.require_map(model, "model_frames");
  for (const auto& m : model) {
    const std::string name = r.str(m.first, "model_frames");
    r.str(m.second, "model_frames." + name);  // what it stands for
    t.model_.insert(name);
  }
  const YAML::Node fns = r.need(doc, "", "functions");
  r.require_map(fns, "functions");
  for (const auto& f : fns) {
    const std::string name = r.str(f.first, "functions");
    const std::string path = "functions." + name;
    if (t.model_.count(name)) r.fail(f.first, path, "is also a model frame");
    r.require_map(f.second, path);
    Entry e;
    for (const auto& kv : f.second) {
      const std::string key = r.str(kv.first, path);
      const std::string value = r.str(kv.second, path + "." + key);
      if (key == "file")
        e.file = value;
      else
        for (const auto& era : era_range(r, kv.first, path + "." + key, key))
          if (!e.by_era.emplace(era, value).second) r.fail(kv.first, path + "." + key, "names era " + era + " twice");
    }
    if (e.file.empty()) r.need(f.second, path, "file");
    if (!t.functions_.emplace(name, std::move(e)).second) r.fail(f.first, path, "appears twice");
  }
  return t;
}

const std::string& FunctionFiles::file(const std::string& era, std::string_view frame) const {
  static const std::string none;
  auto it = functions_.find(frame_function(frame));
  if (it == functions_.end()) return none;
  const auto& all = known_eras();
  if (std::find(all.begin(), all.end(), era) == all.end()) return none;
  auto o = it->second.by_era.find(era);
  return o != it->second.by_era.end() ? o->second : it->second.file;
}

bool FunctionFiles::covers(std::string_view frame) const {
  const std::string_view f = frame_function(frame);
  return functions_.count(f) != 0 || model_.count(f) != 0;
}

bool FunctionFiles::absent(const std::string& era, std::string_view frame) const {
  auto it = functions_.find(frame_function(frame));
  if (it == functions_.end()) return false;
  auto o = it->second.by_era.find(era);
  return o != it->second.by_era.end() && o->second.empty();
}

bool FunctionFiles::model_frame(std::string_view frame) const { return model_.count(frame_function(frame)) != 0; }

std::vector<std::string> FunctionFiles::functions() const {
  std::vector<std::string> v;
  for (const auto& [name, e] : functions_) v.push_back(name);
  return v;
}

std::vector<std::string> FunctionFiles::model_frames() const { return {model_.begin(), model_.end()}; }

std::vector<std::string> frame_files(const std::string& era, const std::vector<std::string>& stack) {
  const FunctionFiles& t = FunctionFiles::get();
  std::vector<std::string> v;
  v.reserve(stack.size());
  for (const auto& f : stack) v.push_back(t.file(era, f));
  return v;
}

}  // namespace mhp
