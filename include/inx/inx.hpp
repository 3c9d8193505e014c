// The umbrella header: everything inx offers on the CPU. The CUDA backend is included separately
// (cuda/inx/cuda/*.cuh, target inx::cuda).
#pragma once

#include "inx/core/config.hpp"
#include "inx/core/error.hpp"
#include "inx/core/threads.hpp"
#include "inx/tensor/conv.hpp"
#include "inx/tensor/elementwise.hpp"
#include "inx/tensor/gemm.hpp"
#include "inx/tensor/pool.hpp"
#include "inx/tensor/reduce.hpp"
#include "inx/tensor/tensor.hpp"
#include "inx/io/io.hpp"
#include "inx/nn/loss.hpp"
#include "inx/nn/network.hpp"
#include "inx/nn/optim.hpp"
#include "inx/models/registry.hpp"
#include "inx/cluster/cluster.hpp"
