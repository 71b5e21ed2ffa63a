#include "model/engine/fiber_algo.hpp"

#include <boost/fiber/operations.hpp>

namespace mhp {

namespace {
thread_local DesignatedAlgo* tl_algo = nullptr;
}

DesignatedAlgo::DesignatedAlgo() { tl_algo = this; }
DesignatedAlgo::~DesignatedAlgo() {
  if (tl_algo == this) tl_algo = nullptr;
}

void DesignatedAlgo::awakened(boost::fibers::context* ctx) noexcept { ctx->ready_link(rqueue_); }

boost::fibers::context* DesignatedAlgo::pick_next() noexcept {
  if (designated_ && designated_->ready_is_linked()) {
    boost::fibers::context* c = designated_;
    designated_ = nullptr;
    c->ready_unlink();
    return c;
  }
  // Nothing designated (start-up, shutdown, dispatcher housekeeping): FIFO.
  if (rqueue_.empty()) return nullptr;
  boost::fibers::context* c = &rqueue_.front();
  rqueue_.pop_front();
  return c;
}

DesignatedAlgo* DesignatedAlgo::install() {
  if (!tl_algo) boost::fibers::use_scheduling_algorithm<DesignatedAlgo>();
  return tl_algo;
}

}  // namespace mhp
