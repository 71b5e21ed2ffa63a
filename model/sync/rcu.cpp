#include "model/sync/rcu.hpp"

#include <array>

namespace mhp {

Rcu::Rcu(Execution& ex, const std::string& name) : ex_(ex), obj_(ex.objects().add(name)) {}

void Rcu::read_lock() {
  ex_.choice_point(obj_, false);
  // Entering the outermost section is visible: a synchronize_rcu() that
  // starts later must wait for it, so the two do not commute (dpor).
  if (ex_.self().rcu_depth++ == 0)
    ex_.emit(EvKind::Read, static_cast<std::uint8_t>(Access::Once), obj_, 0);
}

void Rcu::read_unlock() {
  ex_.choice_point(obj_, true);
  SimThread& t = ex_.self();
  if (--t.rcu_depth == 0) {
    ++t.rcu_exits;
    ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, 0);
    ex_.wake(obj_);
  }
}

void Rcu::synchronize() {
  ex_.choice_point(obj_, true);
  // Snapshot the readers now inside a section; wait until each has left it.
  std::array<std::uint32_t, kMaxThreads> exits{};
  std::array<bool, kMaxThreads> waiting{};
  for (const auto& t : ex_.threads())
    if (t.id != ex_.current() && t.rcu_depth > 0) {
      waiting[t.id] = true;
      exits[t.id] = t.rcu_exits;
    }
  for (;;) {
    bool any = false;
    for (const auto& t : ex_.threads()) any |= waiting[t.id] && t.rcu_exits == exits[t.id];
    if (!any) break;
    ex_.block_on(obj_, SyncSide::Exclusive);
  }
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, 0);
}

}  // namespace mhp
