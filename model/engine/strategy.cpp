#include "model/engine/strategy.hpp"

namespace mhp {

ThreadId ReplayStrategy::choose(ThreadMask enabled, ThreadId) {
  if (pos_ >= sched_.choices.size()) {
    err_ = "schedule ends at choice " + std::to_string(pos_) + " but the execution goes on";
    return kNoThread;
  }
  ThreadId t = sched_.choices[pos_];
  if (!(enabled & (1u << t))) {
    err_ = "choice " + std::to_string(pos_) + " names thread " + std::to_string(t) +
           ", which is not enabled there (enabled mask 0x" +
           [&] { char b[16]; snprintf(b, sizeof b, "%x", enabled); return std::string(b); }() + ")";
    return kNoThread;
  }
  ++pos_;
  return t;
}

}  // namespace mhp
