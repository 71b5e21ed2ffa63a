// Kernel error numbers, by the names step programs and scenarios use
// (EBUSY, not 16). The values are the kernel's (include/uapi/asm-generic/
// errno-base.h, errno.h, include/linux/errno.h); only their names reach
// reports ("returned -EBUSY").
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mhp {

#define MHP_ERRNOS(X) \
  X(EPERM, 1)         \
  X(ENOENT, 2)        \
  X(EINTR, 4)         \
  X(EIO, 5)           \
  X(ENXIO, 6)         \
  X(EAGAIN, 11)       \
  X(ENOMEM, 12)       \
  X(EFAULT, 14)       \
  X(EBUSY, 16)        \
  X(EEXIST, 17)       \
  X(ENODEV, 19)       \
  X(EINVAL, 22)       \
  X(ENOSPC, 28)       \
  X(ERANGE, 34)       \
  X(EOPNOTSUPP, 95)   \
  X(EHWPOISON, 133)   \
  X(ERESTARTSYS, 512) \
  X(ERESTARTNOINTR, 513)

// The value of an errno name; nullopt if the name is not in the list.
std::optional<int> errno_value(std::string_view name);
// "EBUSY" for 16; the number itself for one not in the list.
std::string errno_name(int value);
// How a kernel function's return value reads: "0", "-EBUSY".
std::string errno_return(int value);
const std::vector<std::string>& errno_names();

}  // namespace mhp
