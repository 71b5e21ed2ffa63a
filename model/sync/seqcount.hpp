// seqlock_t (include/linux/seqlock.h): zone->span_seqlock via
// zone_span_writelock()/zone_span_seqbegin(). Writers are exclusive (embedded
// spinlock) and bump the sequence on entry and exit; readers never block a
// writer: read_begin waits while the count is odd (the kernel spins), and
// read_retry says whether a writer ran meanwhile.
#pragma once
#include <string>

#include "model/sync/spinlock.hpp"

namespace mhp {

class Seqlock {
 public:
  // `cls`: the lock class in finding keys and the lock-order graph (default: name)
  Seqlock(Execution& ex, const std::string& name, const std::string& cls = "");
  void write_lock();                // write_seqlock()
  void write_unlock();              // write_sequnlock()
  unsigned read_begin();            // read_seqbegin()
  bool read_retry(unsigned start);  // read_seqretry()
  void reset() {
    lock_.reset();
    seq_ = 0;
  }
  unsigned sequence() const { return seq_; }
  ObjId obj() const { return seq_obj_; }

 private:
  Execution& ex_;
  Spinlock lock_;
  ObjId seq_obj_;
  unsigned seq_ = 0;
};

}  // namespace mhp
