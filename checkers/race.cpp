#include "checkers/race.hpp"

#include <algorithm>

namespace mhp {

namespace {
bool plain(Access a) { return a == Access::Plain; }
// KCSAN's default (CONFIG_KCSAN_ASSUME_PLAIN_WRITES_ATOMIC=y): an aligned plain
// write of at most a word is taken as atomic, so a plain write racing with a
// marked read is intended lockless access; a plain read is never excused.
bool read_write_race(Access read, Access) { return plain(read); }
bool write_write_race(Access a, Access b) { return plain(a) || plain(b); }
const char* access_word(const Event& e) { return e.kind == EvKind::Write ? "write" : "read"; }
const char* marking(Access a) {
  switch (a) {
    case Access::Plain: return "";
    case Access::Once: return " (marked)";
    case Access::Acquire: return " (acquire)";
    case Access::Release: return " (release)";
  }
  return "";
}
}  // namespace

template <unsigned W>
void RaceChecker::reset(std::unique_ptr<Clocks<W>>& k) {
  if (!k) k = std::make_unique<Clocks<W>>(ex_.objects().size());
  for (unsigned t = 0; t < n_; ++t) {  // no events come from the other clocks' threads
    if constexpr (W <= kNarrow)
      k->clock[t] = VectorClock<W>{};
    else
      std::fill_n(k->clock[t].c.begin(), n_, 0);
    k->clock[t].c[t] = 1;
  }
  k->shadow.clear();
  k->sync.clear();
}

void RaceChecker::reset() {
  n_ = static_cast<unsigned>(ex_.thread_count());
  width_ = n_ <= kSmall ? kSmall : n_ <= kNarrow ? kNarrow : kMaxThreads;
  if (width_ == kSmall)
    reset(small_);
  else if (width_ == kNarrow)
    reset(narrow_);
  else
    reset(wide_);
  for (unsigned t = 0; t < n_; ++t) {  // keep the read lists' storage
    Speculative& s = spec_[t];
    s.active = false;
    s.reads.clear();
    s.use = -1;
  }
}

template <unsigned W>
inline void RaceChecker::read(Clocks<W>& k, const Event& ev, bool committing) {
  VectorClock<W>& me = k.clock[ev.thread];
  Shadow<W>& sh = shadow(k, ev.obj);
  Access a = static_cast<Access>(ev.mode);
  if (!committing && sh.has_write && a == Access::Acquire && sh.w_access == Access::Release) me.join(sh.released, n_);
  // committing: the last write may come after the read (a writer that did
  // not bump the sequence); uncovered, it raced with the read either way.
  if (sh.has_write && sh.w_thread != ev.thread && !me.covers(sh.w_thread, sh.w_epoch) &&
      read_write_race(a, sh.w_access))
    report(ex_.events()[sh.w_event], ev);
  // A validated seqcount read is not remembered for later writers: a writer
  // that comes after the section is the protocol working (KCSAN, too, exempts
  // accesses inside seqlock read sections); one that slipped in during the
  // section without bumping the sequence was caught just above.
  if (committing) return;
  sh.readers |= thread_bit(ev.thread);
  sh.r_epoch[ev.thread] = me.c[ev.thread];
  sh.r_event[ev.thread] = ev.index;
  sh.r_access[ev.thread] = a;
}

template <unsigned W>
inline void RaceChecker::on(Clocks<W>& k, const Event& ev) {
  VectorClock<W>& me = k.clock[ev.thread];
  switch (ev.kind) {
    case EvKind::Acquire: {
      SyncClocks<W>& s = sync(k, ev.obj);
      me.join(s.exclusive, n_);
      // An exclusive acquire also orders after every shared release
      // (writer after readers); a shared acquire only after the writers.
      if (static_cast<SyncSide>(ev.mode) == SyncSide::Exclusive) me.join(s.shared, n_);
      return;
    }
    case EvKind::Release: {
      SyncClocks<W>& s = sync(k, ev.obj);
      if (static_cast<SyncSide>(ev.mode) == SyncSide::Exclusive)
        s.exclusive.join(me, n_);
      else
        s.shared.join(me, n_);
      ++me.c[ev.thread];
      return;
    }
    case EvKind::SeqBegin: {
      me.join(sync(k, ev.obj).exclusive, n_);  // after the writer whose sequence it read
      Speculative& sp = spec_[ev.thread];
      sp.active = true;
      sp.reads.clear();
      sp.use = -1;
      return;
    }
    case EvKind::SeqRetry: {
      Speculative& sp = spec_[ev.thread];
      sp.active = false;
      if (!ev.value)
        for (std::uint32_t i : sp.reads) read(k, ex_.events()[i], true);
      else if (sp.use >= 0)
        unvalidated(ex_.events()[std::size_t(sp.use)], ev);
      sp.reads.clear();
      sp.use = -1;
      return;
    }
    case EvKind::Read: {
      if (spec_[ev.thread].active) {
        spec_[ev.thread].reads.push_back(ev.index);
        return;
      }
      read(k, ev, false);
      return;
    }
    case EvKind::Write: {
      if (spec_[ev.thread].active && spec_[ev.thread].use < 0) spec_[ev.thread].use = ev.index;
      Shadow<W>& sh = shadow(k, ev.obj);
      Access a = static_cast<Access>(ev.mode);
      if (sh.has_write && sh.w_thread != ev.thread && !me.covers(sh.w_thread, sh.w_epoch) &&
          write_write_race(a, sh.w_access))
        report(ex_.events()[sh.w_event], ev);
      // each read since the last write, then forget them
      for (ThreadMask m = sh.readers & ~thread_bit(ev.thread); m; m &= m - 1) {
        const ThreadId u = lowest_thread(m);
        if (!me.covers(u, sh.r_epoch[u]) && read_write_race(sh.r_access[u], a)) report(ex_.events()[sh.r_event[u]], ev);
      }
      sh.readers = 0;
      sh.has_write = true;
      sh.w_thread = ev.thread;
      sh.w_epoch = me.c[ev.thread];
      sh.w_event = ev.index;
      sh.w_access = a;
      if (a == Access::Release) {
        if constexpr (W <= kNarrow)
          sh.released = me;
        else
          std::copy_n(me.c.begin(), n_, sh.released.c.begin());
        ++me.c[ev.thread];
      }
      return;
    }
    default: return;
  }
}

void RaceChecker::on_event(const Event& ev) {
  if (width_ == kSmall)
    on(*small_, ev);
  else if (width_ == kNarrow)
    on(*narrow_, ev);
  else
    on(*wide_, ev);
}

void RaceChecker::unvalidated(const Event& use, const Event& retry) {
  const auto& st = ex_.stacks();
  std::string fn = st.top_name(use.stack);
  const SimThread& t = ex_.threads()[use.thread];
  Finding f;
  f.kind = FindingKind::Seqcount;
  f.key = "seqcount/unvalidated/" + ex_.objects().class_of(use.obj) + "/" + fn;
  f.title = "BUG: mhpsim: seqcount value used before read_seqretry() in " + fn;
  f.summary = "a value read inside a seqcount read section was stored to " + ex_.objects().class_of(use.obj) +
              " before read_seqretry() validated it, and the section then retried";
  f.sides.push_back(
      side_at(ex_, use, "store by task " + t.name + " (T" + std::to_string(t.id) + ") inside the section:"));
  f.sides.push_back(side_at(ex_, retry, "read_seqretry() said retry:"));
  found_.push_back(std::move(f));
}

void RaceChecker::report(const Event& earlier, const Event& later) {
  const auto& st = ex_.stacks();
  // The key is a function of the object and the two top frames: built once
  // (a race the runner knows is met again in most executions).
  std::string& key = keys_[{later.obj, st.top_fn(earlier.stack), st.top_fn(later.stack)}];
  const std::string &fa = st.top_name(earlier.stack), &fb = st.top_name(later.stack);
  const std::string &lo = std::min(fa, fb), &hi = std::max(fa, fb);
  if (key.empty()) key = "race/" + ex_.objects().class_of(later.obj) + "/" + lo + "/" + hi;
  if (found_known(FindingKind::Race, key)) return;
  std::string cls = ex_.objects().class_of(later.obj);
  Finding f;
  f.kind = FindingKind::Race;
  f.key = key;
  f.title = "BUG: mhpsim: data-race in " + lo + " / " + hi;
  f.summary = "data race on " + cls + ": " + access_word(earlier) + " in " + fa + " vs " + access_word(later) + " in " +
              fb + ", not ordered by happens-before";
  auto who = [&](const Event& e) {
    const SimThread& t = ex_.threads()[e.thread];
    return std::string(access_word(e)) + marking(static_cast<Access>(e.mode)) + " to " + ex_.objects().describe(e.obj) +
           " of 8 bytes by task " + t.name + " (T" + std::to_string(t.id) + "):";
  };
  f.sides.push_back(side_at(ex_, earlier, who(earlier)));
  f.sides.push_back(side_at(ex_, later, who(later)));
  f.notes.push_back("no lock, completion, reference or release/acquire access orders these two accesses");
  found_.push_back(std::move(f));
}

}  // namespace mhp
