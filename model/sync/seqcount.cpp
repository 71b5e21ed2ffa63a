#include "model/sync/seqcount.hpp"

namespace mhp {

Seqlock::Seqlock(Execution& ex, const std::string& name, const std::string& cls)
    : ex_(ex),
      lock_(ex, name, cls),
      seq_obj_(ex.objects().add(name + ".sequence", (cls.empty() ? name : cls) + ".sequence")) {}

void Seqlock::write_lock() {
  lock_.lock();
  ++seq_;
  ex_.emit(EvKind::Write, static_cast<std::uint8_t>(Access::Once), seq_obj_, seq_);
}

void Seqlock::write_unlock() {
  ex_.choice_point(seq_obj_, true);
  // Not the writer: the spinlock refuses and reports it; the sequence stays even.
  if (lock_.owner() != ex_.current()) return lock_.unlock();
  ++seq_;
  ex_.emit(EvKind::Release, static_cast<std::uint8_t>(SyncSide::Exclusive), seq_obj_, seq_);
  lock_.unlock();
  ex_.wake(seq_obj_);
}

unsigned Seqlock::read_begin() {
  ex_.choice_point(seq_obj_, false);
  while (seq_ & 1u) ex_.block_on(seq_obj_, SyncSide::Shared);
  ex_.emit(EvKind::SeqBegin, static_cast<std::uint8_t>(SyncSide::Shared), seq_obj_, seq_);
  return seq_;
}

bool Seqlock::read_retry(unsigned start) {
  ex_.choice_point(seq_obj_, false);
  bool retry = seq_ != start;
  ex_.emit(EvKind::SeqRetry, 0, seq_obj_, retry);
  return retry;
}

}  // namespace mhp
