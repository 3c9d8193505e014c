// Must NOT compile: the second convolution expects 64 input channels but the first gives 32. CTest checks that the
// compiler rejects it and that its message names the layer index and both channel counts.
#include "inx/nn/activation.hpp"
#include "inx/nn/conv2d.hpp"
#include "inx/nn/sequential.hpp"

using Bad = inx::nn::Sequential<inx::nn::Conv2d<3, 32>, inx::nn::ReLU, inx::nn::Conv2d<64, 10>>;
static_assert(Bad::out_channels == 10);
