// The S1 scenario (scenarios/seeds/s1_deferred_memmap_init.yaml, era v6) as
// a Relacy model, the peer that bench/relacy_compare.sh times mhpsim against.
//
// Thread 0 is memremap_pages() -> pagemap_range() of the fsdax device; the
// other threads are memory_failure() walkers, each on one device pfn. Every
// operation below stands for exactly one event mhpsim records for the same
// step (`mhpsim replay --events`), in the same order, so both sides do the
// same number of operations per execution; thread start, thread end and the
// exit event are left out on both sides. Plain struct page words and the
// other plain fields are rl::var (Relacy checks them for races); marked
// accesses (READ_ONCE/WRITE_ONCE, rcu_assign_pointer/xa_load, percpu_ref
// counts) are rl::atomic; resource_lock, cpu_hotplug_lock and
// mem_hotplug_lock are reader-writer mutexes, the xarray lock a mutex. The
// RCU read lock is a per-thread nesting counter: it orders nothing between
// threads, as in mhpsim.
//
// The geometry is the twin's (bench/relacy_compare.sh writes the mhpsim
// side): four sections, boot RAM in sections 0-1, the device covering
// sections 2-3; PAGES device pages are 2 sections x SPS subsections x PPS
// pages (PAGES <= 2048: SPS 2, PPS PAGES/4; above: PPS 512, SPS PAGES/1024;
// PAGES 2: one page per subsection, one subsection per section).
//
// Relacy stops a test at its first failure; mhpsim reports a race and runs
// on. So that both run every execution, a data race here is counted (once
// per iteration) and the execution goes on, as in mhpsim; any other failure
// (deadlock, livelock, leak) stops the run as Relacy does.
//
// Build: g++ -std=c++11 -O2 -DWALKERS=W [-DSCHED_EVERY_ACCESS] -I RELACY_INCLUDE
// (RELACY_INCLUDE holds relacy/). With SCHED_EVERY_ACCESS every rl::var
// access is a scheduling point too (Relacy has no such option: the model
// calls the scheduler before the access, as Relacy's atomics do).
// With SERIAL_CHECK thread t waits (uncounted) until thread t-1 is done, so
// ops_max is the operations of the serial execution, and ops_first_two those
// of threads 0 and 1, which bench/relacy_compare.sh compares with the events
// mhpsim_bench records for the same schedule of the same two threads.
// Run: s1_model PAGES ITERATIONS  ->  one line of key=value figures.
#include <relacy/relacy.hpp>
#undef new
#undef delete
#undef malloc
#undef calloc
#undef realloc
#undef free

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#ifndef WALKERS
#define WALKERS 1
#endif

namespace {

// The geometry (set from argv before the test runs).
long g_pps = 2, g_sps = 2;  // pages per subsection, subsections per section
const long kSections = 4, kFirstDevSection = 2, kDevSections = 2;
long pages_per_section() { return g_pps * g_sps; }
long dev_start() { return kFirstDevSection * pages_per_section(); }
long dev_pages() { return kDevSections * pages_per_section(); }
long dev_subsections() { return kDevSections * g_sps; }
// Walker i's pfn: 5/8 into the device for one walker (S1's pfn 13 of 8..15),
// the others a device/WALKERS stride on, wrapping.
long walker_pfn(unsigned i) { return dev_start() + (5 * dev_pages() / 8 + long(i) * dev_pages() / WALKERS) % dev_pages(); }

// Operations done, and per-iteration figures.
std::uint64_t g_ops = 0, g_iter_ops_max = 0, g_iterations = 0;
std::uint64_t g_racy_iterations = 0, g_uninit_reads = 0;
bool g_race_this_iteration = false;
std::uint64_t g_ops_first_two = 0;  // SERIAL_CHECK: operations of threads 0 and 1

#ifdef SCHED_EVERY_ACCESS
inline void point() { rl::ctx().sched(); }
#else
inline void point() {}
#endif

// One plain access: a scheduling point only with SCHED_EVERY_ACCESS.
inline long ld(rl::var<long>& v) {
  ++g_ops;
  point();
  return v($);
}
inline void st(rl::var<long>& v, long x) {
  ++g_ops;
  point();
  v($) = x;
}
// Marked accesses and lock operations: always scheduling points in Relacy.
inline long ld(rl::atomic<long>& v, rl::memory_order mo) {
  ++g_ops;
  return v.load(mo, $);
}
inline void st(rl::atomic<long>& v, long x, rl::memory_order mo) {
  ++g_ops;
  v.store(x, mo, $);
}
inline long add(rl::atomic<long>& v, long d, rl::memory_order mo) {
  ++g_ops;
  return v.fetch_add(d, mo, $);
}

struct rwsem : rl::generic_mutex<struct rwsem_tag> {
  rwsem() { init(true, false, true, false, $); }
  ~rwsem() { deinit($); }
  void down_write() { ++g_ops; lock_exclusive($); }
  void up_write() { ++g_ops; unlock_exclusive($); }
  void down_read() { ++g_ops; lock_shared($); }
  void up_read() { ++g_ops; unlock_shared($); }
};
struct spinlock : rl::generic_mutex<struct spinlock_tag> {
  spinlock() { init(false, false, false, false, $); }
  ~spinlock() { deinit($); }
  void lock() { ++g_ops; lock_exclusive($); }
  void unlock() { ++g_ops; unlock_exclusive($); }
};

// An array of rl::var or rl::atomic built in place with a value (no
// instrumented copy).
template <typename T>
struct array {
  explicit array(long n, long v = 0) : n_(n), p_(static_cast<T*>(::operator new(sizeof(T) * std::size_t(n)))) {
    for (long i = 0; i < n; ++i) ::new (&p_[i]) T(v);
  }
  ~array() {
    for (long i = 0; i < n_; ++i) p_[i].~T();
    ::operator delete(p_);
  }
  T& operator[](long i) { return p_[i]; }
  long n_;
  T* p_;
};

const long kPresent = 1, kHasMemMap = 2, kPoison = -1;
const long kDevFlags = 513;  // ZONE_DEVICE zone bits and PG_reserved, as mhpsim writes

struct s1_model : rl::test_suite<s1_model, 1 + WALKERS> {
  // struct page words of every pfn.
  array<rl::var<long> > flags{kSections * pages_per_section()}, refcount{kSections * pages_per_section()},
      pgmap{kSections * pages_per_section()}, compound_head{kSections * pages_per_section()};
  // Per section: mem_section[].section_mem_map, ->usage, ->usage->subsection_map.
  array<rl::atomic<long> > mem_map{kSections}, usage{kSections}, subsection_map{kSections};
  // Per subsection: the iomem_resource tree and the pgmap xarray.
  array<rl::var<long> > iomem{kSections * g_sps};
  array<rl::atomic<long> > pgmap_array{kSections * g_sps};
  // Zone and node fields (written by thread 0 only in S1).
  rl::var<long> contiguous{0}, zone_start_pfn{0}, spanned_pages{0}, nr_zones{1}, initialized{0};
  rl::var<long> node_start_pfn{0}, node_spanned_pages{2 * pages_per_section()};
  rl::atomic<long> ref{0};  // pgmap->ref
  array<rl::atomic<long> > rcu_nesting{1 + WALKERS};
  rwsem resource_lock, cpu_hotplug_lock, mem_hotplug_lock;
  spinlock xa_lock;
  std::uint64_t ops_at_start = g_ops;
#ifdef SERIAL_CHECK
  rl::atomic<long> turn{0};  // not an operation: thread t runs when turn is t
#endif

  s1_model() {
    // Boot RAM: sections 0-1 present, with memmap, every subsection. Every
    // section has its usage (mhpsim records no event for its allocation).
    for (long s = 0; s < kSections; ++s) usage[s].store(s + 1, rl::mo_relaxed, $);
    for (long s = 0; s < kFirstDevSection; ++s) {
      mem_map[s].store(kPresent | kHasMemMap, rl::mo_relaxed, $);
      subsection_map[s].store((1L << g_sps) - 1, rl::mo_relaxed, $);
    }
    g_race_this_iteration = false;
    ops_at_start = g_ops;
  }
  ~s1_model() {
    std::uint64_t n = g_ops - ops_at_start;
    if (n > g_iter_ops_max) g_iter_ops_max = n;
    ++g_iterations;
    if (g_race_this_iteration) ++g_racy_iterations;
  }

  long section_of(long pfn) const { return pfn / pages_per_section(); }
  long subsection_of(long pfn) const { return pfn / g_pps; }

  void rcu_read_lock(unsigned t) { add(rcu_nesting[t], 1, rl::mo_relaxed); }
  void rcu_read_unlock(unsigned t) { add(rcu_nesting[t], -1, rl::mo_relaxed); }

  // pfn_valid(): the section's memmap and the subsection bit, under RCU.
  bool pfn_valid(unsigned t, long pfn) {
    rcu_read_lock(t);
    long s = section_of(pfn);
    bool ok = ld(mem_map[s], rl::mo_relaxed) & kHasMemMap;
    if (ok) {
      ok = ld(usage[s], rl::mo_relaxed) != 0;
      ok = ok && (ld(subsection_map[s], rl::mo_relaxed) >> (subsection_of(pfn) % g_sps) & 1);
    }
    rcu_read_unlock(t);
    return ok;
  }

  // get_dev_pagemap(): xa_load() under RCU, then a reference if found.
  bool get_dev_pagemap(unsigned t, long pfn, bool take_ref) {
    rcu_read_lock(t);
    bool found = ld(pgmap_array[subsection_of(pfn)], rl::mo_acquire) != 0;
    if (found && take_ref) add(ref, 1, rl::mo_relaxed);
    rcu_read_unlock(t);
    return found;
  }

  // memremap_pages() -> pagemap_range(), era v6.
  void memremap_pages() {
    const long start = dev_start(), end = start + dev_pages();
    const long sub0 = subsection_of(start), nsub = dev_subsections();
    st(ref, 1, rl::mo_relaxed);  // percpu_ref_init()
    resource_lock.down_write();  // __request_region(): devm_request_mem_region()
    for (long i = 0; i < nsub; ++i) ld(iomem[sub0 + i]);
    for (long i = 0; i < nsub; ++i) st(iomem[sub0 + i], 16);
    resource_lock.up_write();
    get_dev_pagemap(0, start, false);  // the conflict checks at both ends
    get_dev_pagemap(0, end - 1, false);
    resource_lock.down_read();  // region_intersects()
    for (long i = 0; i < nsub; ++i) ld(iomem[sub0 + i]);
    resource_lock.up_read();
    xa_lock.lock();  // xa_store_range(): rcu_assign_pointer() per entry
    for (long i = 0; i < nsub; ++i) st(pgmap_array[sub0 + i], 1, rl::mo_release);
    xa_lock.unlock();
    cpu_hotplug_lock.down_read();  // mem_hotplug_begin()
    mem_hotplug_lock.down_write();
    for (long s = kFirstDevSection; s < kFirstDevSection + kDevSections; ++s) {  // arch_add_memory()
      long map = ld(subsection_map[s], rl::mo_relaxed);  // section_activate()
      st(subsection_map[s], map | ((1L << g_sps) - 1), rl::mo_relaxed);
      for (long pfn = s * pages_per_section(); pfn < (s + 1) * pages_per_section(); ++pfn)
        st(flags[pfn], kPoison);  // page_init_poison()
      long m = ld(mem_map[s], rl::mo_relaxed);  // sparse_add_section()
      st(mem_map[s], m | kPresent | kHasMemMap, rl::mo_relaxed);
    }
    // move_pfn_range_to_zone()
    st(contiguous, 0);  // clear_zone_contiguous()
    ld(spanned_pages);  // init_currently_empty_zone()
    st(zone_start_pfn, start);
    long z = ld(nr_zones);
    st(nr_zones, z | 2);
    st(initialized, 1);
    ld(zone_start_pfn);  // resize_zone_range()
    ld(spanned_pages);
    st(zone_start_pfn, start);
    st(spanned_pages, dev_pages());
    long ns = ld(node_start_pfn);  // resize_pgdat_range()
    long nsp = ld(node_spanned_pages);
    st(node_start_pfn, ns);
    st(node_spanned_pages, end - ns > nsp ? end - ns : nsp);
    long zs = ld(zone_start_pfn);  // set_zone_contiguous(): the first pageblock
    long zn = ld(spanned_pages);
    bool contig = pfn_valid(0, zs + (zn < g_pps ? zn : g_pps) - 1);
    contig = contig && (ld(mem_map[section_of(zs)], rl::mo_relaxed) & 4);  // pfn_to_online_page(): not online
    st(contiguous, contig);
    mem_hotplug_lock.up_write();  // mem_hotplug_done()
    cpu_hotplug_lock.up_read();
    for (long pfn = start; pfn < end; ++pfn) {  // memmap_init_zone_device() -> __init_zone_device_page()
      st(flags[pfn], kDevFlags);
      st(refcount[pfn], 1);
      st(pgmap[pfn], 1);
      st(compound_head[pfn], 0);
    }
    add(ref, dev_pages(), rl::mo_relaxed);  // percpu_ref_get_many()
  }

  // memory_failure() on a device pfn, era v6.
  void memory_failure(unsigned t, long pfn) {
    long s = section_of(pfn);
    if (ld(mem_map[s], rl::mo_relaxed) & 4) return;  // pfn_to_online_page(): online RAM is not this path
    if (!pfn_valid(t, pfn)) return;
    if (!get_dev_pagemap(t, pfn, true)) return;
    // dax_lock_folio(): page_folio(), then the folio's flags and mapping.
    ld(compound_head[pfn]);
    long f = ld(flags[pfn]);
    ld(pgmap[pfn]);
    if (f == kPoison || f == 0) ++g_uninit_reads;  // the memmap is not initialised yet (mhpsim's uninit)
    // put_dev_pagemap(): the release, then the count.
    add(ref, -1, rl::mo_release);
    ld(ref, rl::mo_relaxed);
  }

  void thread(unsigned t) {
#ifdef SERIAL_CHECK
    while (turn.load(rl::mo_acquire, $) != long(t)) rl::yield(1, $);
    std::uint64_t before = g_ops;
#endif
    if (t == 0)
      memremap_pages();
    else
      memory_failure(t, walker_pfn(t - 1));
#ifdef SERIAL_CHECK
    if (t <= 1) g_ops_first_two += g_ops - before;
    turn.store(long(t) + 1, rl::mo_release, $);
#endif
  }
};

// Relacy's context, but a data race is counted and the execution goes on.
template <typename test_t, typename sched_t>
struct race_counting_context : rl::context_impl<test_t, sched_t> {
  race_counting_context(rl::test_params& p, typename sched_t::shared_context_t& s)
      : rl::context_impl<test_t, sched_t>(p, s) {}
  void fail_test(char const* desc, rl::test_result_e res, rl::debug_info_param info) override {
    if (res == rl::test_result_data_race) {
      g_race_this_iteration = true;
      return;
    }
    rl::context_impl<test_t, sched_t>::fail_test(desc, res, info);
  }
};

bool geometry(long pages) {
  if (pages == 2) {
    g_pps = 1;
    g_sps = 1;
  } else if (pages >= 4 && pages <= 2048 && pages % 4 == 0) {
    g_pps = pages / 4;
    g_sps = 2;
  } else if (pages > 2048 && pages <= 65536 && pages % 1024 == 0) {
    g_pps = 512;
    g_sps = pages / 1024;
  } else {
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || !geometry(std::atol(argv[1])) || std::atol(argv[2]) < 1) {
    std::fprintf(stderr,
                 "usage: %s PAGES ITERATIONS\n"
                 "  PAGES: 2, a multiple of 4 up to 2048, or a multiple of 1024 up to 65536\n",
                 argv[0]);
    return 2;
  }
  rl::test_params p;
  p.iteration_count = rl::iteration_t(std::atol(argv[2]));
  p.search_type = rl::random_scheduler_type;  // Relacy's default
  p.execution_depth_limit = ~0u >> 1;  // the default 2000 scheduling points is a livelock bound, not a model's size
  std::ostringstream out;
  p.output_stream = &out;
  p.progress_stream = &out;
  typedef rl::random_scheduler<s1_model::params::thread_count> sched_t;
  typename sched_t::shared_context_t sctx;
  std::istringstream no_state;
  auto t0 = std::chrono::steady_clock::now();
  rl::test_result_e res;
  {
    race_counting_context<s1_model, sched_t> ctx(p, sctx);
    res = ctx.simulate(out, no_state, false);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (res != rl::test_result_success) {
    std::fprintf(stderr, "relacy: %s at iteration %llu\n", rl::test_result_str(res),
                 (unsigned long long)p.stop_iteration);
    return 1;
  }
#if defined(SERIAL_CHECK)
  const char* mode = "serial";
#elif defined(SCHED_EVERY_ACCESS)
  const char* mode = "every-access";
#else
  const char* mode = "default";
#endif
  std::printf(
      "mode=%s pages=%ld walkers=%d iterations=%llu seconds=%.4f executions_per_s=%.0f "
      "ops_max=%llu ops_mean=%.1f ops_first_two=%llu racy_iterations=%llu uninit_reads=%llu\n",
      mode, dev_pages(), WALKERS, (unsigned long long)g_iterations, s, double(g_iterations) / s,
      (unsigned long long)g_iter_ops_max, double(g_ops) / double(g_iterations),
      (unsigned long long)(g_ops_first_two / g_iterations),
      (unsigned long long)g_racy_iterations, (unsigned long long)g_uninit_reads);
  return 0;
}
