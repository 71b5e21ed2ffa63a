// One visible action of a simulated thread, as the engine records it.
// Checkers see nothing else: every read, write and synchronisation of modelled
// kernel state reaches them as an Event (DESIGN.md "data flow").
#pragma once
#include <cstdint>

namespace mhp {

using ThreadId = std::uint8_t;
using ObjId = std::uint64_t;  // 64-bit: a real-geometry memmap has billions of fields
using StackId = std::uint32_t;
constexpr unsigned kMaxThreads = 16;
constexpr ThreadId kNoThread = 0xff;
constexpr std::uint8_t kNoLockBit = 0xff;
constexpr std::uint8_t kEvTrylock = 1;  // Event::flags: an Acquire by a trylock (no lock-order dependency)

enum class EvKind : std::uint8_t {
  Read,        // load of a modelled field
  Write,       // store of a modelled field
  Acquire,     // happens-before sink: lock taken, completion waited, seq read begin...
  Release,     // happens-before source: lock dropped, completion done, ref put...
  Block,       // thread found the object unavailable and is now not enabled
  RefOp,       // percpu_ref get/put/kill/tryget (value = count after)
  ThreadStart,
  ThreadEnd,
  SeqBegin,    // seqcount read section entered (an acquire of the writers' releases)
  SeqRetry,    // seqcount read section checked: value 1 = retried, 0 = its reads stand
};

// How an access is marked, in the Linux-kernel memory model's sense. A race
// needs at least one plain access (KCSAN's rule); release/acquire accesses
// (rcu_assign_pointer / rcu_dereference, xa_store / xa_load) also order.
enum class Access : std::uint8_t { Plain, Once, Acquire, Release };

// Which side of a synchronisation object an Acquire/Release event concerns.
enum class SyncSide : std::uint8_t { Exclusive, Shared };

struct Event {
  std::uint32_t index;   // position in the execution's event list
  ThreadId thread;
  EvKind kind;
  std::uint8_t mode;     // Access for Read/Write, SyncSide for Acquire/Release
  std::uint8_t flags = 0;  // kEvTrylock
  ObjId obj;
  std::int64_t value;
  StackId stack;         // interned kernel-function stack of the thread
  std::uint64_t held;    // bit i set: the thread holds lock i (Execution::register_lock)
  std::uint64_t held_shared;  // of those, the ones held in read/shared mode
};

}  // namespace mhp
