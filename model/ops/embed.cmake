# Writes a C++ file holding every YAML file under ROOT as a string, so the step
# programs (model/ops) and the lock-scope rules (checkers/rules) ship inside the
# binary. Run by CMakeLists.txt at build time with ROOT, OUT, PREFIX (the path
# the files are named by) and FUNC (the accessor's name).
file(GLOB_RECURSE files RELATIVE ${ROOT} ${ROOT}/*.yaml)
list(SORT files)
set(body "// generated from model/ops by embed.cmake; do not edit\n#include \"model/support/embedded.hpp\"\nnamespace mhp {\nconst std::vector<EmbeddedOpFile>& ${FUNC}() {\n  static const std::vector<EmbeddedOpFile> files = {\n")
foreach(f ${files})
  file(READ ${ROOT}/${f} content)
  string(APPEND body "    {\"${PREFIX}/${f}\", R\"MHPSIM_OPS(${content})MHPSIM_OPS\"},\n")
endforeach()
string(APPEND body "  };\n  return files;\n}\n}  // namespace mhp\n")
file(WRITE ${OUT}.tmp "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
