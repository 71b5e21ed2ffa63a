#include "model/kernel/invariants.hpp"

#include "model/kernel/device_private.hpp"

namespace mhp {

namespace {
std::string z_name(int nid, int z) { return "zone[" + std::to_string(nid) + "," + zone_name(z) + "]"; }
// A page hosting the memmap of a registered memory block (MHP_MEMMAP_ON_MEMORY).
bool vmemmap_page(const Kernel& k, Pfn p) {
  const MemoryBlock& b = *k.blocks[k.block_of(p)];
  return b.registered.v && p - Pfn(k.block_of(p)) * k.geo.pages_per_block() < b.nr_vmemmap_pages;
}
}  // namespace

std::vector<Violation> check_invariants(const Kernel& k) {
  std::vector<Violation> out;
  const Geometry& g = k.geo;
  // present <= spanned, for every zone and node
  for (const auto& nd : k.nodes) {
    if (nd->node_present_pages.v > nd->node_spanned_pages.v)
      out.push_back({"present<=spanned", "node " + std::to_string(nd->nid) + ": node_present_pages " +
                                             std::to_string(nd->node_present_pages.v) + " > node_spanned_pages " +
                                             std::to_string(nd->node_spanned_pages.v)});
    for (int z = 0; z < MAX_NR_ZONES; ++z) {
      const Zone& zn = *nd->zones[z];
      if (zn.present_pages.v > zn.spanned_pages.v)
        out.push_back({"present<=spanned", z_name(nd->nid, z) + ": present_pages " +
                                               std::to_string(zn.present_pages.v) + " > spanned_pages " +
                                               std::to_string(zn.spanned_pages.v)});
      if (zn.present_pages.v < 0) out.push_back({"present>=0", z_name(nd->nid, z) + ": present_pages < 0"});
      // every path that isolates pageblocks (online, offline, and their
      // error labels) puts them back before it returns
      if (zn.nr_isolate_pageblock.v != 0)
        out.push_back({"isolation-undone", z_name(nd->nid, z) + ": nr_isolate_pageblock " +
                                               std::to_string(zn.nr_isolate_pageblock.v) + " after every op returned"});
    }
  }
  for (std::uint32_t s = 0; s < g.sections; ++s) {
    std::int64_t f = k.sections[s].mem_map.v, map = k.sections[s].subsection_map.v;
    std::string sn = "mem_section[" + std::to_string(s) + "]";
    if ((f & SECTION_IS_ONLINE) && !(f & SECTION_HAS_MEM_MAP))
      out.push_back({"online-section-has-memmap", sn + ": ONLINE without a memmap"});
    if (bool(f & SECTION_HAS_MEM_MAP) != (map != 0))
      out.push_back({"memmap-flag-matches-subsection-map", sn + ": HAS_MEM_MAP " +
                                                               std::to_string(bool(f & SECTION_HAS_MEM_MAP)) +
                                                               " but subsection_map " + std::to_string(map)});
    // every page of an online RAM subsection is initialised and online
    if (!(f & SECTION_IS_ONLINE)) continue;
    for (Pfn p = g.section_start(s); p < g.section_start(s + 1); ++p) {
      if (!((map >> g.subsection_of(p)) & 1) || k.pgmap_of_range(p) >= 0 || vmemmap_page(k, p)) continue;
      if (k.page_state(p) != PageState::Online || !(k.page_init_mask(p) & (1u << unsigned(PageField::Flags)))) {
        out.push_back({"online-section-initialised",
                       "pfn " + std::to_string(p) + " in online " + sn + " is " + page_state_name(k.page_state(p))});
        break;
      }
    }
  }
  // a node spans exactly its zones: the union of their spans, empty when
  // every zone is empty. update_pgdat_span() computes it so (00d6c019b5bc,
  // v5.4); before, resize_pgdat_range() grows it with its zone's and
  // shrink_pgdat_span() shrinks it as shrink_zone_span() shrinks the zone
  for (const auto& nd : k.nodes) {
    std::int64_t lo = -1, hi = 0;
    for (const auto& z : nd->zones) {
      if (z->spanned_pages.v == 0) continue;
      if (lo < 0 || z->zone_start_pfn.v < lo) lo = z->zone_start_pfn.v;
      hi = std::max(hi, z->zone_start_pfn.v + z->spanned_pages.v);
    }
    const std::int64_t ns = nd->node_start_pfn.v, ne = ns + nd->node_spanned_pages.v;
    const bool empty = nd->node_spanned_pages.v == 0;
    if (lo < 0 ? !empty : (empty || ns != lo || ne != hi))
      out.push_back({"node-span-matches-zones", "node " + std::to_string(nd->nid) + " spans [" + std::to_string(ns) +
                                                    ", " + std::to_string(ne) + "), its zones [" +
                                                    std::to_string(lo < 0 ? 0 : lo) + ", " + std::to_string(hi) + ")"});
  }
  // an offline node has no memory: no memory block names it and it has no
  // present pages (try_offline_node() checks for both before
  // node_set_offline(), the v5.5 form through mem->nid)
  for (const auto& nd : k.nodes) {
    if (nd->node_online.v) continue;
    const std::string n = "node " + std::to_string(nd->nid);
    if (nd->node_present_pages.v != 0)
      out.push_back({"offline-node-empty",
                     n + " is offline with node_present_pages " + std::to_string(nd->node_present_pages.v)});
    for (std::uint32_t b = 0; b < k.blocks.size(); ++b)
      if (k.blocks[b]->registered.v && k.blocks[b]->nid == nd->nid) {
        out.push_back(
            {"offline-node-empty", n + " is offline but memory" + std::to_string(b) + " is registered for it"});
        break;
      }
  }
  // a zone's initialised pages of hot-added memory (not yet online, or
  // ZONE_DEVICE) lie in its span: the
  // span grows before the memmap is initialised (move_pfn_range_to_zone())
  // and shrinks only over pages that left the zone
  for (Pfn p = 0; p < g.nr_pfns(); ++p) {
    const PageState ps = k.page_state(p);
    if (ps != PageState::InitOffline && ps != PageState::DevReady)
      continue;  // an offlined page keeps stale links (v4.19..v5.4), outside the span once 5.4.286 shrinks it at
                 // offline
    if (k.sections[g.section_of(p)].mem_map.v & SECTION_IS_EARLY) continue;  // boot memory and its holes
    const std::int64_t f = k.page_value(p, PageField::Flags);
    const int nid = flags_nid(f), z = flags_zone(f);
    if (nid >= int(k.nodes.size()) || z >= MAX_NR_ZONES) continue;
    const Zone& zn = *k.nodes[nid]->zones[z];
    if (std::int64_t(p) < zn.zone_start_pfn.v || std::int64_t(p) >= zn.zone_start_pfn.v + zn.spanned_pages.v) {
      out.push_back({"zone-span-covers-initialised-pages", "pfn " + std::to_string(p) + " (" + page_state_name(ps) +
                                                               ") links to " + z_name(nid, z) +
                                                               ", which does not span it"});
      break;
    }
  }
  // the zone span covers every online page of the zone
  for (Pfn p = 0; p < g.nr_pfns(); ++p) {
    if (k.page_state(p) != PageState::Online) continue;
    std::int64_t f = k.page_value(p, PageField::Flags);
    int nid = flags_nid(f), z = flags_zone(f);
    if (nid >= int(k.nodes.size()) || z >= MAX_NR_ZONES) {
      out.push_back({"online-page-zone-links", "pfn " + std::to_string(p) + ": online page with bad zone links"});
      continue;
    }
    const Zone& zn = *k.nodes[nid]->zones[z];
    if (std::int64_t(p) < zn.zone_start_pfn.v || std::int64_t(p) >= zn.zone_start_pfn.v + zn.spanned_pages.v)
      out.push_back({"zone-span-covers-online-pages",
                     "pfn " + std::to_string(p) + ": online page outside the span of " + z_name(nid, z)});
  }
  // the span of a RAM zone is tight: its first and last pfn are pages of the
  // zone, online, or offlined in the releases that shrink spans only at
  // remove (before v5.4); shrink_zone_span() after an offline, and after a
  // failed online's remove_pfn_range_from_zone(), finds them
  for (const auto& nd : k.nodes)
    for (int z = 0; z < MAX_NR_ZONES; ++z) {
      const Zone& zn = *nd->zones[z];
      if (z == ZONE_DEVICE || zn.spanned_pages.v == 0) continue;
      for (std::int64_t end : {zn.zone_start_pfn.v, zn.zone_start_pfn.v + zn.spanned_pages.v - 1}) {
        const Pfn p = Pfn(end);
        const std::int64_t f = p < g.nr_pfns() ? k.page_value(p, PageField::Flags) : 0;
        const PageState ps = p < g.nr_pfns() ? k.page_state(p) : PageState::Absent;
        const bool vmemmap = ps == PageState::InitOffline && vmemmap_page(k, p);  // in the zone from online to offline
        if ((ps != PageState::Online && ps != PageState::Offlined && !vmemmap) || flags_zone(f) != z ||
            flags_nid(f) != nd->nid) {
          out.push_back({"zone-span-tight", z_name(nd->nid, z) + ": spans pfn " + std::to_string(end) + ", " +
                                                page_state_name(ps) + ", not a page of the zone"});
          break;
        }
      }
    }
  // the "System RAM" resource covers exactly the RAM subsections with a
  // memmap: add_memory() requests it before arch_add_memory() and its error
  // path releases it (release_memory_resource()) after undoing the sections;
  // remove_memory() releases it after arch_remove_memory()
  for (Pfn p = 0; p < g.nr_pfns(); p += g.pages_per_subsection) {
    const std::uint32_t s = g.section_of(p);
    const bool mapped = (k.sections[s].mem_map.v & SECTION_HAS_MEM_MAP) &&
                        ((k.sections[s].subsection_map.v >> g.subsection_of(p)) & 1) && k.pgmap_of_range(p) < 0;
    const bool ram = iores_system_ram(k.iomem.v(g.subsection_index(p)));
    if (mapped != ram) {
      out.push_back({"iomem-matches-memmap",
                     "pfn " + std::to_string(p) + ": " +
                         (ram ? "System RAM resource without a memmap" : "memmap without a System RAM resource")});
      break;
    }
  }
  // the vmemmap pages of a block (MHP_MEMMAP_ON_MEMORY) hold its memmap:
  // never handed to the buddy allocator, and initialised (zone links, by
  // mhp_init_memmap_on_memory()) while the block is online
  for (std::uint32_t b = 0; b < k.blocks.size(); ++b) {
    const MemoryBlock& mb = *k.blocks[b];
    if (!mb.registered.v || !mb.nr_vmemmap_pages) continue;
    const Pfn start = Pfn(b) * g.pages_per_block();
    for (Pfn p = start; p < start + mb.nr_vmemmap_pages; ++p) {
      const PageState ps = k.page_state(p);
      if (ps == PageState::Online) {
        out.push_back({"vmemmap-pages-not-in-buddy", "memory" + std::to_string(b) + ": vmemmap pfn " +
                                                         std::to_string(p) + " is in the buddy allocator"});
        break;
      }
      if (mb.state.v == MEM_ONLINE && ps != PageState::InitOffline) {
        out.push_back({"vmemmap-pages-initialised", "memory" + std::to_string(b) + " online but vmemmap pfn " +
                                                        std::to_string(p) + " is " + page_state_name(ps)});
        break;
      }
    }
  }
  // dax/kmem's region holds add_memory()'s System RAM whenever no op is
  // running: probe releases it when the add fails, remove after the RAM went
  for (Pfn p = 0; p < g.nr_pfns(); p += g.pages_per_subsection)
    if (k.iomem.v(g.subsection_index(p)) == IORES_KMEM) {
      out.push_back({"kmem-region-has-ram",
                     "pfn " + std::to_string(p) + ": kmem's region without its System RAM after every op returned"});
      break;
    }
  // memory block state agrees with its sections
  for (std::uint32_t b = 0; b < k.blocks.size(); ++b) {
    const MemoryBlock& mb = *k.blocks[b];
    if (!mb.registered.v) continue;
    bool online = mb.state.v == MEM_ONLINE;
    for (std::uint32_t s = b * g.sections_per_block; s < std::min(g.sections, (b + 1) * g.sections_per_block); ++s)
      if (bool(k.sections[s].mem_map.v & SECTION_IS_ONLINE) != online)
        out.push_back({"block-state-matches-sections", "memory" + std::to_string(b) + " state " +
                                                           std::to_string(mb.state.v) + " but mem_section[" +
                                                           std::to_string(s) + "] ONLINE=" + std::to_string(!online)});
  }
  // pgmap references balanced: a live pgmap keeps its initial reference; a
  // killed one has dropped every reference and released exactly once
  for (const auto& p : k.pgmaps) {
    if (p->ref.dead()) {
      if (p->ref.count() != 0 || p->ref.releases() != 1)
        out.push_back({"pgmap-ref-balanced", p->desc.name + "->ref: killed with count " +
                                                 std::to_string(p->ref.count()) + ", released " +
                                                 std::to_string(p->ref.releases()) + " times"});
    } else if (p->ref.count() < 0) {
      out.push_back({"pgmap-ref-balanced", p->desc.name + "->ref: live with count " + std::to_string(p->ref.count())});
    }
  }
  // a published pgmap_array entry names a pgmap whose ref is not killed:
  // memunmap_pages() deletes the entries after the kill, and a map that
  // fails after xa_store_range() deletes them (pagemap_range()'s
  // err_pfn_remap) before memremap_pages() kills the ref
  for (std::size_t i = 0; i < k.pgmap_array.size(); ++i) {
    const int idx = int(k.pgmap_array.v(i)) - 1;
    if (idx < 0 || idx >= int(k.pgmaps.size()) || !k.pgmaps[idx]->ref.dead()) continue;
    out.push_back({"pgmap-array-live", "pfn " + std::to_string(Pfn(i) * g.pages_per_subsection) +
                                           ": pgmap_array still names " + k.pgmaps[idx]->desc.name +
                                           ", whose ref is killed"});
    break;
  }
  // the test process's device-private entries: a mapped device page has a
  // live memmap, holds the mapping's reference above the free count, and is
  // not on its driver's free list; no migration entry outlives its migration
  if (k.mm) {
    for (std::size_t i = 0; i < k.mm->pte.size(); ++i) {
      const std::int64_t v = k.mm->pte[i].v;
      const std::string at = "pte of anon page " + std::to_string(i);
      if (v == kPteMigration) out.push_back({"no-migration-entry-left", at + ": still a migration entry"});
      if (!pte_is_device(v)) continue;
      const Pfn pfn = pte_device_pfn(v);
      const int pg = k.pgmap_of_range(pfn);
      const PageState ps = k.page_state(pfn);
      if (pg < 0 || ps != PageState::DevReady) {
        out.push_back(
            {"device-private-mapped-live", at + ": maps pfn " + std::to_string(pfn) + ", " + page_state_name(ps)});
        continue;
      }
      // a device-coherent page's pte is a present one: the same rules, its own names
      const std::string kind = k.pgmaps[std::size_t(pg)]->is_coherent() ? "device-coherent" : "device-private";
      if (k.page_value(pfn, PageField::Refcount) <= device_private_idle_count(k, pg))
        out.push_back({kind + "-mapped-referenced", at + ": maps pfn " + std::to_string(pfn) + " at refcount " +
                                                        std::to_string(k.page_value(pfn, PageField::Refcount))});
      if (!k.dmirrors[std::size_t(pg)]) continue;
      int hops = 0;  // the free list, bounded: a cycle is the driver's corruption, not a hang here
      for (std::int64_t f = k.dmirrors[std::size_t(pg)]->free_pages.v; f > 0 && hops < 1 << 16; ++hops) {
        if (Pfn(f - 1) == pfn) {
          out.push_back({kind + "-mapped-not-free",
                         at + ": maps pfn " + std::to_string(pfn) + ", which is on the driver's free list"});
          break;
        }
        f = k.page_value(Pfn(f - 1), PageField::ZoneDeviceData);
      }
    }
  }
  return out;
}

}  // namespace mhp
