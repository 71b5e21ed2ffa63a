#include "model/kernel/page.hpp"

namespace mhp {

const char* page_state_name(PageState s) {
  switch (s) {
    case PageState::Absent: return "ABSENT";
    case PageState::Uninit: return "UNINIT";
    case PageState::InitOffline: return "INIT_OFFLINE";
    case PageState::Online: return "ONLINE";
    case PageState::Offlined: return "OFFLINED";
    case PageState::Poisoned: return "POISONED";
    case PageState::DevHostmap: return "DEV_HOSTMAP";
    case PageState::DevUninit: return "DEV_UNINIT";
    case PageState::DevReady: return "DEV_READY";
    case PageState::DevReserved: return "DEV_RESERVED";
    case PageState::DevPartial: return "DEV_PARTIAL";
    case PageState::Hole: return "HOLE";
  }
  return "?";
}

int fukasawa_case(PageState s) {
  switch (s) {
    case PageState::Uninit: return 1;
    case PageState::DevReady: return 2;
    case PageState::DevPartial: return 3;
    case PageState::DevUninit: return 4;
    case PageState::DevReserved: return 5;
    default: return 0;
  }
}

}  // namespace mhp
