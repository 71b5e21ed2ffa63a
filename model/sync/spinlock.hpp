// spinlock_t (include/linux/spinlock.h): pgdat_resize_lock (node_size_lock),
// zone->lock, the XArray lock. Same exclusion as a mutex in the model; a
// separate type so lock classes (and a "no sleep under a spinlock" rule,
// were one written) can tell them apart.
#pragma once
#include "model/sync/mutex.hpp"

namespace mhp {

class Spinlock : public Mutex {
 public:
  Spinlock(Execution& ex, const std::string& name, const std::string& cls = "") : Mutex(ex, name, cls) { spin_ = true; }
};

}  // namespace mhp
