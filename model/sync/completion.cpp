#include "model/sync/completion.hpp"

#include <stdexcept>

namespace mhp {

namespace {
constexpr unsigned kCompleteAll = ~0u / 2;  // UINT_MAX/2, as complete_all() sets
}

Completion::Completion(Execution& ex, const std::string& name, bool all_only)
    : ex_(ex), obj_(ex.objects().add(name)), all_only_(all_only) {
  if (all_only) ex.objects().mark_wait(obj_, ObjectRegistry::Wait::CompletionAll);
}

void Completion::wait() {
  // a search that asks (dfs) does not run a waiter of a task's exit that would only block
  auto ready = [](const void* c) { return static_cast<const Completion*>(c)->done_ != 0; };
  ex_.choice_point(obj_, true, all_only_ ? +ready : nullptr, this);
  while (done_ == 0) ex_.block_on(obj_, SyncSide::Exclusive);
  if (done_ != kCompleteAll) --done_;
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, done_);
}

void Completion::complete() {
  if (all_only_) throw std::logic_error("complete() of a completion only complete_all() may complete");
  ex_.choice_point(obj_, true);
  if (done_ != kCompleteAll) ++done_;
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, done_);
  ex_.wake(obj_);
}

void Completion::complete_all() {
  ex_.choice_point(obj_, true);
  done_ = kCompleteAll;
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Shared), obj_, done_);
  ex_.wake(obj_);
}

}  // namespace mhp
