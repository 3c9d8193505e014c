# The dependencies of inx::inx, shared by the build tree and the installed package config.
include(CMakeFindDependencyMacro)
find_dependency(xtensor)
find_dependency(OpenMP)
find_dependency(ZLIB)
find_dependency(nlohmann_json)

# Image decoding: libspng (Debian libspng-dev) for PNG, libjpeg-turbo's TurboJPEG API (libturbojpeg0-dev) for JPEG,
# both found through pkg-config.
if(NOT TARGET inx::images)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(INX_SPNG REQUIRED IMPORTED_TARGET spng)
  pkg_check_modules(INX_TURBOJPEG REQUIRED IMPORTED_TARGET libturbojpeg)
  add_library(inx::images INTERFACE IMPORTED)
  set_target_properties(inx::images PROPERTIES INTERFACE_LINK_LIBRARIES "PkgConfig::INX_SPNG;PkgConfig::INX_TURBOJPEG")
endif()

# Unicode normalisation of label texts (labels/text.hpp): utf8proc (Debian libutf8proc-dev).
if(NOT TARGET inx::utf8proc)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(INX_UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
  add_library(inx::utf8proc INTERFACE IMPORTED)
  set_target_properties(inx::utf8proc PROPERTIES INTERFACE_LINK_LIBRARIES "PkgConfig::INX_UTF8PROC")
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
