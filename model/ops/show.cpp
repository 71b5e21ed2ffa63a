#include "model/kernel/primitives.hpp"
#include "model/ops/program.hpp"
#include "model/support/errno.hpp"

namespace mhp {

namespace {

void show_nodes(const std::vector<OpNode>& nodes, int depth, std::string& out);

// " fails -EBUSY|-ENOMEM, goto failed_removal": a node's failure exits.
std::string exits(const OpNode& n) {
  std::string o;
  if (!n.fails.empty()) {
    o += " fails ";
    for (std::size_t i = 0; i < n.fails.size(); ++i) {
      if (i) o += '|';
      o += errno_return(n.fails[i]);
    }
  }
  if (!n.goto_label.empty()) o += (o.empty() ? " on error" : ",") + std::string(" goto ") + n.goto_label;
  return o;
}

// A call's or lock region's error labels, run from the one jumped to on.
void show_unwind(const OpNode& n, int depth, std::string& out) {
  for (const auto& l : n.unwind) {
    out += std::string(depth * 2, ' ') + l.name + ":  (error label)\n";
    show_nodes(l.body, depth + 1, out);
  }
}

void show_nodes(const std::vector<OpNode>& nodes, int depth, std::string& out) {
  for (const auto& n : nodes) {
    std::string ind(depth * 2, ' ');
    switch (n.kind) {
      case OpNode::Kind::Step: {
        const PrimitiveInfo* pi = find_primitive(n.impl);
        out += ind + n.name + (n.impl != n.name ? " (as " + n.impl + ")" : "") + exits(n) + "    # " +
               (pi ? pi->kernel : "") + "\n";
        if (!n.body.empty()) {
          out += ind + "otherwise:\n";
          show_nodes(n.body, depth + 1, out);
        }
        break;
      }
      case OpNode::Kind::Call:
        out += ind + n.name + "():" + exits(n);
        if (n.notifier != MemoryNotifier::None)
          for (const auto& i : memory_notifiers())
            if (i.id == n.notifier) out += std::string("    # if initial.notifiers has ") + i.name;
        out += "\n";
        show_nodes(n.body, depth + 1, out);
        show_unwind(n, depth + 1, out);
        break;
      case OpNode::Kind::ForEach:
        out += ind + "for each " + n.name + ":\n";
        show_nodes(n.body, depth + 1, out);
        break;
      case OpNode::Kind::Lock:
        out += ind + "[" + n.name + " " + n.mode + "] taken by " + n.via +
               (n.trylock ? " (trylock, else the op restarts)" : "") + "\n";
        show_nodes(n.body, depth + 1, out);
        show_unwind(n, depth + 1, out);
        out += ind + "[/" + n.name + " " + n.mode + "] dropped by " + n.done + "\n";
        break;
      case OpNode::Kind::Acquire:  // held on past this line, until a release
        out += ind + "acquire [" + n.name + " " + n.mode + "] by " + n.via + (n.trylock ? " (trylock, retried)" : "") +
               "\n";
        break;
      case OpNode::Kind::Release: out += ind + "release [" + n.name + " " + n.mode + "] by " + n.done + "\n"; break;
      case OpNode::Kind::Label: break;  // shown by show_unwind()
    }
  }
}

// The op file's declarations that differ from their defaults, spelt as the
// file spells them (a user editing a program sees what else it promises):
// "  params: [pfn]; pages: pfn". Empty if none.
std::string declarations(const OpProgram& p) {
  std::vector<std::string> d;
  if (!p.params.empty()) {
    std::string l = "params: [";
    for (std::size_t i = 0; i < p.params.size(); ++i) l += (i ? ", " : "") + p.params[i];
    d.push_back(l + "]");
  }
  static const char* const pages[] = {"", "pfn", "range", "device", "device_sections"};
  if (p.pages != OpProgram::Pages::Any) d.push_back(std::string("pages: ") + pages[unsigned(p.pages)]);
  if (p.observer) d.push_back("observer: true");
  if (p.devres != OpProgram::Devres::None)
    d.push_back(std::string("devres: ") + (p.devres == OpProgram::Devres::Map ? "map" : "release"));
  if (p.block_unit) d.push_back("unit: memory_block");
  if (p.zone_from_pages) d.push_back("zone: from_pages");
  if (p.device != OpProgram::Device::Any)
    d.push_back(std::string("device: ") + (p.device == OpProgram::Device::Private ? "private" : "hmm"));
  if (p.memmap_on_memory) d.push_back("mhp_flags: [memmap_on_memory]");
  std::string out;
  for (const std::string& x : d) out += (out.empty() ? "  " : "; ") + x;
  return out.empty() ? out : out + "\n";
}

}  // namespace

std::string show_program(const OpProgram& p) {
  std::string out = p.op + "  (era " + p.era + "; " + p.source + "; " + p.file + ")\n";
  out += declarations(p);
  show_nodes(p.steps, 1, out);
  return out;
}

}  // namespace mhp
