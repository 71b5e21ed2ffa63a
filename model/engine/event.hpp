// One visible action of a simulated thread, as the engine records it.
// Checkers see nothing else: every read, write and synchronisation of modelled
// kernel state reaches them as an Event (DESIGN.md "data flow").
#pragma once
#include <cstdint>

namespace mhp {

using ThreadId = std::uint8_t;
using ObjId = std::uint64_t;  // 64-bit: a real-geometry memmap has billions of fields
using StackId = std::uint32_t;
// Simulated threads of one execution: a ThreadMask (strategy.hpp) has a bit
// for each.
constexpr unsigned kMaxThreads = 64;
constexpr ThreadId kNoThread = 0xff;
constexpr std::uint8_t kNoLockBit = 0xff;
constexpr std::uint8_t kEvTrylock = 1;   // Event::flags: an Acquire by a trylock (no lock-order dependency)
constexpr std::uint8_t kEvSpinlock = 2;  // Event::flags: a LockMisuse of a spinlock (its debug check, not a mutex's)
// Event::flags: an access to a struct page that no other thread's op may
// touch (model/kernel/page_footprint.hpp): it races with nothing and commutes
// with every other thread's event, so the race checker, dpor and the coverage
// hash pass it by.
constexpr std::uint8_t kEvPrivate = 4;
// Event::flags: an access to a struct page that the memmap's shadow (the
// page store's init state per pfn and field, as KMSAN's shadow travels with
// a load) does not vouch for: a load of a field not initialised, of a device
// page at refcount 0 (which may be an idle one) or of page->pgmap still
// holding a list pointer, or a store into a freed memmap. Only these reach
// the stale-page checker (model/kernel/page_store.hpp).
constexpr std::uint8_t kEvPageSuspect = 8;

enum class EvKind : std::uint8_t {
  Read,     // load of a modelled field
  Write,    // store of a modelled field
  Acquire,  // happens-before sink: lock taken, completion waited, seq read begin...
  Release,  // happens-before source: lock dropped, completion done, ref put...
  Block,    // thread found the object unavailable and is now not enabled
  RefOp,    // percpu_ref get/put/kill/tryget (value = count after)
  ThreadStart,
  ThreadEnd,
  SeqBegin,    // seqcount read section entered (an acquire of the writers' releases)
  SeqRetry,    // seqcount read section checked: value 1 = retried, 0 = its reads stand
  LockMisuse,  // a release the lock refused (not held by the thread): mode = SyncSide asked for,
               // value = the owning thread of a mutex held by another, else -1
  Check,       // a load that decides a path under synchronisation the model does not spell out
               // (a sysfs node's existence, behind kernfs's own locks): ordered for dfs and the
               // coverage hash, not a data access (no checker takes it)
};

// How an access is marked, in the Linux-kernel memory model's sense. A race
// needs at least one plain access (KCSAN's rule); release/acquire accesses
// (rcu_assign_pointer / rcu_dereference, xa_store / xa_load) also order.
enum class Access : std::uint8_t { Plain, Once, Acquire, Release };

// Which side of a synchronisation object an Acquire/Release event concerns.
enum class SyncSide : std::uint8_t { Exclusive, Shared };

// How an event touches its object, for partial-order reasoning (dfs's
// reductions, the coverage hash): two events of different threads on one
// object are ordered unless both only read it. Readers of one rwsem commute;
// a writer, a release, a count and a block (a waiting writer holds readers
// off) do not.
enum class Touch : std::uint8_t { None, Read, Exclusive };
constexpr Touch touch_of(EvKind kind, std::uint8_t mode) {
  switch (kind) {
    case EvKind::Read:
    case EvKind::SeqBegin:
    case EvKind::SeqRetry:
    case EvKind::Check: return Touch::Read;
    case EvKind::Acquire: return mode == std::uint8_t(SyncSide::Shared) ? Touch::Read : Touch::Exclusive;
    case EvKind::Write:
    case EvKind::Release:
    case EvKind::Block:
    case EvKind::RefOp:
    case EvKind::LockMisuse: return Touch::Exclusive;  // its outcome depends on who holds the lock
    default: return Touch::None;                       // thread start and end
  }
}

// "read", "acquire", ...: event logs, trace reports, model errors
constexpr const char* event_kind_name(EvKind k) {
  switch (k) {
    case EvKind::Read: return "read";
    case EvKind::Write: return "write";
    case EvKind::Acquire: return "acquire";
    case EvKind::Release: return "release";
    case EvKind::Block: return "block";
    case EvKind::RefOp: return "ref";
    case EvKind::ThreadStart: return "start";
    case EvKind::ThreadEnd: return "end";
    case EvKind::SeqBegin: return "seq_begin";
    case EvKind::SeqRetry: return "seq_retry";
    case EvKind::Check: return "check";
    case EvKind::LockMisuse: return "lock_misuse";
  }
  return "?";
}

struct Event {
  std::uint32_t index;  // position in the execution's event list
  ThreadId thread;
  EvKind kind;
  std::uint8_t mode;       // Access for Read/Write, SyncSide for Acquire/Release
  std::uint8_t flags = 0;  // kEvTrylock, kEvSpinlock
  ObjId obj;
  std::int64_t value;
  StackId stack;              // interned kernel-function stack of the thread
  std::uint64_t held;         // bit i set: the thread holds lock i (Execution::register_lock)
  std::uint64_t held_shared;  // of those, the ones held in read/shared mode
};

}  // namespace mhp
