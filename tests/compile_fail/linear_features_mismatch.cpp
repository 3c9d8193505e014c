// Must NOT compile: after AdaptiveAvgPool2d<7> and Flatten, 512 channels give 512*7*7 = 25088 features, not 4096.
#include "inx/nn/flatten.hpp"
#include "inx/nn/linear.hpp"
#include "inx/nn/pooling.hpp"
#include "inx/nn/conv2d.hpp"
#include "inx/nn/sequential.hpp"

using Bad = inx::nn::Sequential<inx::nn::Conv2d<3, 512>, inx::nn::AdaptiveAvgPool2d<7>, inx::nn::Flatten,
                                inx::nn::Linear<4096, 10>>;
static_assert(Bad::out_channels == 10);
