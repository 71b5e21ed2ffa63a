// drivers/dax/kmem.c (v5.1+): a device-dax range handed to the page
// allocator. Its region (request_mem_region(), then flagged
// IORESOURCE_SYSTEM_RAM and not busy) is the parent of add_memory()'s
// "System RAM (kmem)" resource.
#include "model/kernel/primitives.hpp"

namespace mhp {

namespace {

Pfn range_end(const OpState& st) { return st.args.start + st.args.nr_pages; }

// request_mem_region() of the block-aligned range (dax_kmem_range()): a range
// someone else holds fails (-EBUSY); from here add_memory() requests its
// resource inside this one.
bool kmem_request_mem_region(Kernel& k, OpState& st) {
  auto busy = [](std::int64_t v) { return v != IORES_NONE; };
  if (k.read_subs(k.iomem, st.args.start, range_end(st), busy, IORES_NONE) != IORES_NONE) return false;
  k.write_subs(k.iomem, st.args.start, range_end(st), IORES_KMEM);
  st.kmem_parent = true;
  return true;
}

// release_resource() (remove_resource() from v6.1) of kmem's region.
bool kmem_release_resource(Kernel& k, OpState& st) {
  k.write_subs(k.iomem, st.args.start, range_end(st), IORES_NONE);
  st.kmem_parent = false;
  return true;
}

// dev_get_drvdata() (dev_dax->dax_kmem_res before v5.10): the resources the
// probe left. The driver core calls remove only after a successful probe;
// the model checks that as state (no event): a remove of a range kmem does
// not hold ends here.
bool kmem_drvdata(Kernel& k, OpState& st) {
  const std::int64_t v = k.iomem.v(k.geo.subsection_index(st.args.start));
  st.kmem_parent = v == IORES_KMEM || v == IORES_KMEM_RAM;
  return st.kmem_parent;
}

}  // namespace

void add_kmem_primitives(PrimitiveTable& t) {
  // clang-format off  (the table: one primitive a line)
  t.insert(t.end(), {
                        {"kmem_request_mem_region", kmem_request_mem_region,
                         "drivers/dax/kmem.c dev_dax_kmem_probe(): request_mem_region() of the block-aligned range, "
                         "flags IORESOURCE_SYSTEM_RAM"},
                        {"kmem_release_resource", kmem_release_resource,
                         "drivers/dax/kmem.c: release_resource() (remove_resource() from v6.1) of kmem's region"},
                        {"kmem_drvdata", kmem_drvdata,
                         "drivers/dax/kmem.c dev_dax_kmem_remove(): the probe's resources (dev_get_drvdata())"},
                    });
  // clang-format on
}

}  // namespace mhp
