// percpu_ref (lib/percpu-refcount.c): pgmap->ref. In percpu mode gets and puts
// only move per-CPU counters and nothing detects zero; percpu_ref_kill() marks
// the ref dead, drops the initial reference and switches to atomic mode, where
// the folded count is checked ("percpu ref <= 0 after switching to atomic",
// [duyck-defer-2018]'s -1530626) and a put reaching zero runs the release callback.
// This slice switches at kill time; the RCU grace period before the switch is
// modelled with the rest of the refcount checker (issue 5).
#pragma once
#include <string>

#include "model/engine/execution.hpp"

namespace mhp {

// Event::mode of a RefOp event: which operation; the value is the count after it.
enum class RefOpKind : std::uint8_t { Init, Get, Put, TryGet, TryGetFail, Kill, ReleaseCb };

class PercpuRef {
 public:
  using Release = void (*)(void* arg);
  PercpuRef(Execution& ex, const std::string& name, const std::string& cls = "");
  void init(Release release, void* arg);  // percpu_ref_init(): live, count 1
  void get(long n = 1);                   // percpu_ref_get_many()
  void put(long n = 1);                   // percpu_ref_put_many()
  bool tryget_live();                     // percpu_ref_tryget_live()
  void kill();                            // percpu_ref_kill()
  void reset() { count_ = 0; dead_ = false; atomic_ = false; released_ = 0; underflow_ = false; live_ = false; }
  long count() const { return count_; }
  bool dead() const { return dead_; }
  bool underflowed() const { return underflow_; }
  int releases() const { return released_; }
  ObjId obj() const { return obj_; }

 private:
  void check_zero();
  Execution& ex_;
  ObjId obj_;
  long count_ = 0;
  bool live_ = false;
  bool dead_ = false;
  bool atomic_ = false;
  bool underflow_ = false;
  int released_ = 0;
  Release release_ = nullptr;
  void* arg_ = nullptr;
};

}  // namespace mhp
