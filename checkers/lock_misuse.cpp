#include "checkers/lock_misuse.hpp"

namespace mhp {

namespace {

// The pairs of mm/memory_hotplug.c whose imbalance is its own finding kind.
struct HotplugPair {
  const char* begin;
  const char* done;
};
constexpr HotplugPair kHotplugPairs[] = {{"mem_hotplug_begin", "mem_hotplug_done"},
                                         {"get_online_mems", "put_online_mems"}};

const HotplugPair* pair_of(const std::string& fn, bool begin) {
  for (const HotplugPair& p : kHotplugPairs)
    if (fn == (begin ? p.begin : p.done)) return &p;
  return nullptr;
}

std::string task_of(const SimThread& t) { return "task " + t.name + " (T" + std::to_string(t.id) + ")"; }

const char* side_name(SyncSide s) { return s == SyncSide::Shared ? "read" : "write"; }

}  // namespace

bool LockMisuseChecker::seen(const std::string& key) const {
  for (const Finding& f : found_)
    if (f.key == key) return true;
  return false;
}

void LockMisuseChecker::on_event(const Event& ev) {
  if (ev.kind == EvKind::LockMisuse)
    bad_release(ev);
  else if (ev.kind == EvKind::ThreadEnd)
    held_at_exit(ev);
}

void LockMisuseChecker::bad_release(const Event& ev) {
  const StackTable& st = ex_.stacks();
  const SimThread& t = ex_.threads()[ev.thread];
  const std::string& cls = ex_.objects().class_of(ev.obj);
  // The function that drops the lock (the `done` of the node) and the one it
  // is called from.
  const std::string& fn = st.top_name(ev.stack);
  const std::string& caller = st.top_name(st.parent(ev.stack));
  const auto side = static_cast<SyncSide>(ev.mode);
  const bool other_owner = ev.value >= 0;  // a mutex or spinlock another task holds
  const HotplugPair* pair = other_owner ? nullptr : pair_of(fn, false);
  Finding f;
  f.kind = other_owner ? FindingKind::UnlockOwner : pair ? FindingKind::HotplugBalance : FindingKind::UnlockBalance;
  f.key = finding_kind_name(f.kind) + "/" + (pair ? std::string("mem_hotplug_lock") : cls) + "/" + fn + "/" + caller;
  if (seen(f.key) || found_known(f.kind, f.key)) return;
  const std::string lock = ex_.objects().describe(ev.obj);
  f.sides.push_back(side_at(ex_, ev, task_of(t) + " releases " + lock + " (" + side_name(side) + ") at:"));
  if (other_owner) {
    const SimThread& o = ex_.threads()[static_cast<ThreadId>(ev.value)];
    const bool spin = ev.flags & kEvSpinlock;
    f.title = spin ? "BUG: spinlock wrong owner" : "WARNING: DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)";
    f.summary = task_of(t) + " unlocks " + lock + ", which " + task_of(o) + " owns: the " +
                (spin ? "spinlock" : "mutex") +
                " stays with its owner here (the kernel would release it under the owner)";
    const std::uint8_t bit = ex_.lock_bit(ev.obj);
    for (const HeldLock& h : o.held_list)
      if (h.bit == bit) {
        FindingSide s;
        s.title = "owned by " + task_of(o) + ", taken at:";
        s.stack = st.frames(h.acquired_at);
        s.locks = lock_names_of(ex_, o.held, o.held_shared);  // what the owner holds now
        f.sides.push_back(std::move(s));
        break;
      }
  } else {
    f.title = "WARNING: bad unlock balance detected!";
    f.summary = (pair ? std::string(pair->done) + "() with no " + pair->begin + "() to undo: " : std::string()) +
                task_of(t) + " is trying to release lock (" + lock + ", " + side_name(side) + ") at " + fn +
                " but there are no more locks to release!";
    const std::uint8_t bit = ex_.lock_bit(ev.obj);
    if (bit != kNoLockBit && (ev.held >> bit & 1))
      f.notes.push_back("the task holds it for " + std::string((ev.held_shared >> bit & 1) ? "read" : "write") +
                        ": released in the other mode");
  }
  found_.push_back(std::move(f));
}

void LockMisuseChecker::held_at_exit(const Event& ev) {
  const SimThread& t = ex_.threads()[ev.thread];
  const StackTable& st = ex_.stacks();
  for (const HeldLock& h : t.held_list) {
    // The function that took the lock (the `via` of the node) and its caller.
    const std::string& fn = st.top_name(h.acquired_at);
    const std::string& caller = st.top_name(st.parent(h.acquired_at));
    const HotplugPair* pair = pair_of(fn, true);
    const ObjId obj = ex_.lock_obj(h.bit);
    Finding f;
    f.kind = pair ? FindingKind::HotplugBalance : FindingKind::HeldAtExit;
    f.key = finding_kind_name(f.kind) + "/" + (pair ? std::string("mem_hotplug_lock") : ex_.lock_class(h.bit)) + "/" +
            fn + "/" + caller;
    if (seen(f.key) || found_known(f.kind, f.key)) continue;
    f.title = "WARNING: lock held when returning to user space!";
    f.summary = (pair ? std::string(pair->begin) + "() never undone by " + pair->done + "(): " : std::string()) +
                task_of(t) + " is leaving the kernel with locks still held!";
    FindingSide s;
    s.title = task_of(t) + " took " + ex_.objects().describe(obj) + " (" + side_name(h.side) + ") at:";
    s.stack = st.frames(h.acquired_at);
    s.locks = lock_names_of(ex_, t.held, t.held_shared);
    s.event = ev.index;
    f.sides.push_back(std::move(s));
    found_.push_back(std::move(f));
  }
}

}  // namespace mhp
