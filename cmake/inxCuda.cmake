# The optional CUDA backend: an INTERFACE target inx::cuda over cuda/ (kernels and cuBLAS wrappers), made when
# INX_CUDA is ON, or AUTO and a CUDA compiler is found. Default architectures: 80 (A100) and 90 (H100).
set(INX_HAVE_CUDA OFF)
if(NOT INX_CUDA STREQUAL "OFF")
  # The toolkit's usual place, when nvcc is not on PATH and no compiler was named.
  if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS /usr/local/cuda/bin/nvcc)
    find_program(inx_nvcc_on_path nvcc)
    if(NOT inx_nvcc_on_path)
      set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc CACHE FILEPATH "CUDA compiler")
    endif()
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 80 90)
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    # cuDNN (the GPU convolutions) ships with the toolkit on the machines inx is built on; without it the backend
    # is off (AUTO) or the configuration fails (ON).
    find_library(INX_CUDNN_LIBRARY cudnn HINTS ${CUDAToolkit_LIBRARY_DIR})
    find_path(INX_CUDNN_INCLUDE_DIR cudnn.h HINTS ${CUDAToolkit_INCLUDE_DIRS})
    if(INX_CUDNN_LIBRARY AND INX_CUDNN_INCLUDE_DIR)
      set(INX_HAVE_CUDA ON)
    elseif(INX_CUDA STREQUAL "ON")
      message(FATAL_ERROR "INX_CUDA=ON but cuDNN (cudnn.h, libcudnn) was not found next to the CUDA toolkit")
    else()
      message(STATUS "inx: cuDNN not found next to the CUDA toolkit: the CUDA backend is off")
    endif()
  elseif(INX_CUDA STREQUAL "ON")
    message(FATAL_ERROR "INX_CUDA=ON but no CUDA compiler was found (set CMAKE_CUDA_COMPILER or INX_CUDA=AUTO)")
  endif()
endif()

if(INX_HAVE_CUDA)
  add_library(inx_cuda INTERFACE)
  add_library(inx::cuda ALIAS inx_cuda)
  set_target_properties(inx_cuda PROPERTIES EXPORT_NAME cuda)
  target_include_directories(inx_cuda INTERFACE $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/cuda>
                                                $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  # CUDA 13 keeps Thrust/CUB under include/cccl.
  target_include_directories(inx_cuda INTERFACE ${CUDAToolkit_INCLUDE_DIRS}/cccl)
  target_include_directories(inx_cuda INTERFACE ${INX_CUDNN_INCLUDE_DIR})
  target_link_libraries(inx_cuda INTERFACE inx::inx CUDA::cudart CUDA::cublas ${INX_CUDNN_LIBRARY})
  # CMake 3.25 (Debian 12's) does not know nvcc's C++20 switch, so cuda_std_20 is only used where CMake knows it.
  if("cuda_std_20" IN_LIST CMAKE_CUDA_COMPILE_FEATURES)
    target_compile_features(inx_cuda INTERFACE cuda_std_20)
  else()
    target_compile_options(inx_cuda INTERFACE $<$<COMPILE_LANGUAGE:CUDA>:-std=c++20>)
  endif()
  # OpenMP::OpenMP_CXX adds -fopenmp to C++ sources only; without it the host code of a .cu file would silently run
  # inx's `#pragma omp` loops on one thread.
  target_compile_options(inx_cuda INTERFACE $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-fopenmp>)
endif()
message(STATUS "inx: CUDA backend ${INX_HAVE_CUDA} (INX_CUDA=${INX_CUDA})")
