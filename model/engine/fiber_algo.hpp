// A Boost.Fiber scheduling algorithm under which only the engine decides who
// runs: every simulated thread that is not running sits in the ready queue,
// and pick_next() returns the context the engine designated before yielding.
#pragma once
#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/scheduler.hpp>

namespace mhp {

class DesignatedAlgo final : public boost::fibers::algo::algorithm {
 public:
  DesignatedAlgo();
  ~DesignatedAlgo() override;
  void awakened(boost::fibers::context* ctx) noexcept override;
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override { return !rqueue_.empty(); }
  void suspend_until(std::chrono::steady_clock::time_point const&) noexcept override {}
  void notify() noexcept override {}

  void designate(boost::fibers::context* ctx) noexcept { designated_ = ctx; }
  // Installs the algorithm on the calling OS thread once; idempotent.
  static DesignatedAlgo* install();

 private:
  boost::fibers::scheduler::ready_queue_type rqueue_;
  boost::fibers::context* designated_ = nullptr;
};

}  // namespace mhp
