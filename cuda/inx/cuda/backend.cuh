// The whole CUDA backend in one include: the device and every kernel specialisation on inx::cuda, so that a .cu file
// that includes this before using Network<Model, cuda> (or any ops:: call on CUDA tensors) gets the GPU version of
// every op a network needs, and the clustering steps that run on the GPU (the correlation matrix, a k-means iteration).
#pragma once

#include "inx/cuda/batchnorm.cuh"
#include "inx/cuda/conv.cuh"
#include "inx/cuda/correlation.cuh"
#include "inx/cuda/device.cuh"
#include "inx/cuda/elementwise_kernel.cuh"
#include "inx/cuda/gemm.cuh"
#include "inx/cuda/kmeans.cuh"
#include "inx/cuda/pool.cuh"
#include "inx/cuda/reduce.cuh"
