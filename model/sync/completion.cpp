#include "model/sync/completion.hpp"

namespace mhp {

namespace {
constexpr unsigned kCompleteAll = ~0u / 2;  // UINT_MAX/2, as complete_all() sets
}

Completion::Completion(Execution& ex, const std::string& name) : ex_(ex), obj_(ex.objects().add(name)) {}

void Completion::wait() {
  ex_.choice_point(obj_, true);
  while (done_ == 0) ex_.block_on(obj_, SyncSide::Exclusive);
  if (done_ != kCompleteAll) --done_;
  ex_.emit(EvKind::Acquire, static_cast<std::uint8_t>(SyncSide::Exclusive), obj_, done_);
}

void Completion::complete() {
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
