// kernel/notifier.c and drivers/base/memory.c memory_notify(): the memory
// hotplug notifier chain (MEM_GOING_ONLINE ... MEM_CANCEL_OFFLINE). Its
// callbacks (slab, page_ext, kasan, ...) and the chain's rwsem are not
// modelled: the step is there as the place where a callback can veto an
// online or offline (notifier_to_errno()), which a scenario's `fail:` injects
// as the kernel's notifier-error-inject module does.
#include "model/ops/primitives.hpp"

namespace mhp {

namespace {
bool memory_notify(Kernel&, OpState&) { return true; }
// A kernel function whose state the model does not keep (hugetlb pools, pcp
// lists, vmemmap accounting), present where the kernel can fail there.
bool unmodelled(Kernel&, OpState&) { return true; }
}  // namespace

void add_memory_notify_primitives(PrimitiveTable& t) {
  t.insert(t.end(), {
    {"memory_notify", memory_notify, "drivers/base/memory.c memory_notify(): the memory notifier chain (callbacks not modelled)"},
    {"unmodelled", unmodelled, "a kernel function whose state the model does not keep; a failure point only"},
  });
}

}  // namespace mhp
