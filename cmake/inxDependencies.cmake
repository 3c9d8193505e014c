# The dependencies of inx::inx, shared by the build tree and the installed package config.
include(CMakeFindDependencyMacro)
find_dependency(xtensor)
find_dependency(OpenMP)
find_dependency(ZLIB)
find_dependency(nlohmann_json)

# stb (Debian libstb-dev) ships headers under include/stb and one library with the implementations.
if(NOT TARGET inx::stb)
  find_path(INX_STB_INCLUDE_DIR stb_image.h PATH_SUFFIXES stb REQUIRED)
  find_library(INX_STB_LIBRARY stb REQUIRED)
  add_library(inx::stb UNKNOWN IMPORTED)
  set_target_properties(inx::stb PROPERTIES IMPORTED_LOCATION "${INX_STB_LIBRARY}"
                                            INTERFACE_INCLUDE_DIRECTORIES "${INX_STB_INCLUDE_DIR}")
endif()

# oneDNN: Debian's dnnl-config.cmake demands the OpenCL development files (its GPU runtime), which inx does not
# use, so the library and header are found directly.
if(NOT TARGET inx::dnnl)
  find_path(INX_DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp REQUIRED)
  find_library(INX_DNNL_LIBRARY dnnl REQUIRED)
  add_library(inx::dnnl UNKNOWN IMPORTED)
  set_target_properties(inx::dnnl PROPERTIES IMPORTED_LOCATION "${INX_DNNL_LIBRARY}"
                                             INTERFACE_INCLUDE_DIRECTORIES "${INX_DNNL_INCLUDE_DIR}")
endif()
