// Bad input (scenario files, variant edits, options): always reported as
// file:line:column, the field, and what is wrong; exit code 3, no report.
#pragma once
#include <stdexcept>
#include <string>

namespace mhp {

class InputError : public std::runtime_error {
 public:
  InputError(const std::string& file, int line, int col, const std::string& field, const std::string& msg)
      : std::runtime_error(file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": field '" + field +
                           "': " + msg),
        file_(file),
        line_(line),
        col_(col),
        field_(field) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return col_; }
  const std::string& field() const { return field_; }

 private:
  std::string file_;
  int line_, col_;
  std::string field_;
};

}  // namespace mhp
