# The optional MPI layer: an INTERFACE target inx::mpi over include/inx/mpi/world.hpp (MPI's C API), made when INX_MPI
# is ON, or AUTO and an MPI is found (Debian: libopenmpi-dev). The rest of the library knows nothing of it; the `inx`
# program links it when it exists and then shards its images over the ranks of `mpirun -np N inx ...`.
set(INX_MPI AUTO CACHE STRING "The MPI layer (inx::mpi, `mpirun -np N inx ...`): AUTO, ON or OFF")
set_property(CACHE INX_MPI PROPERTY STRINGS AUTO ON OFF)
set(INX_HAVE_MPI OFF)
if(NOT INX_MPI STREQUAL "OFF")
  # inx calls MPI's C API from C++: MPI::MPI_CXX without the deprecated C++ bindings (no C compiler needed).
  set(MPI_CXX_SKIP_MPICXX ON CACHE BOOL "")
  if(INX_MPI STREQUAL "ON")
    find_package(MPI REQUIRED COMPONENTS CXX)
  else()
    find_package(MPI QUIET COMPONENTS CXX)
  endif()
  if(MPI_CXX_FOUND)
    set(INX_HAVE_MPI ON)
  endif()
endif()

if(INX_HAVE_MPI)
  add_library(inx_mpi INTERFACE)
  add_library(inx::mpi ALIAS inx_mpi)
  set_target_properties(inx_mpi PROPERTIES EXPORT_NAME mpi)
  target_link_libraries(inx_mpi INTERFACE inx::inx MPI::MPI_CXX)
  target_compile_definitions(inx_mpi INTERFACE INX_HAVE_MPI=1)
  message(STATUS "inx: MPI layer ON (MPI ${MPI_CXX_VERSION})")
else()
  message(STATUS "inx: MPI layer OFF (INX_MPI=${INX_MPI})")
endif()
