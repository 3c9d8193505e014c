// The distinct convolution shapes of VGG-16 and ResNet-50 (torchvision, stride on the 3x3 conv) and the depthwise
// convolutions of EfficientNet-Lite0 (groups = channels; its SAME padding is asymmetric at stride 2, here the
// symmetric (k - 1) / 2 of the same cost) at 224x224, batch 1, and the benchmark name that encodes one, which bench/compare_torch.py parses back to rebuild it in PyTorch.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "inx/tensor/conv.hpp"

namespace inx_bench {

struct ConvShape {
  const char* net;
  std::size_t c, h, o, k, stride, pad;
  std::size_t groups = 1;
};

inline std::vector<ConvShape> conv_shapes() {
  std::vector<ConvShape> s = {
      // VGG-16: 3x3, stride 1, padding 1
      {"vgg16", 3, 224, 64, 3, 1, 1},    {"vgg16", 64, 224, 64, 3, 1, 1},   {"vgg16", 64, 112, 128, 3, 1, 1},
      {"vgg16", 128, 112, 128, 3, 1, 1}, {"vgg16", 128, 56, 256, 3, 1, 1},  {"vgg16", 256, 56, 256, 3, 1, 1},
      {"vgg16", 256, 28, 512, 3, 1, 1},  {"vgg16", 512, 28, 512, 3, 1, 1},  {"vgg16", 512, 14, 512, 3, 1, 1},
      // ResNet-50 stem and layer1 (56x56)
      {"resnet50", 3, 224, 64, 7, 2, 3}, {"resnet50", 64, 56, 64, 1, 1, 0}, {"resnet50", 64, 56, 64, 3, 1, 1},
      {"resnet50", 64, 56, 256, 1, 1, 0}, {"resnet50", 256, 56, 64, 1, 1, 0},
      // layer2 (56 -> 28)
      {"resnet50", 256, 56, 128, 1, 1, 0}, {"resnet50", 128, 56, 128, 3, 2, 1}, {"resnet50", 128, 28, 512, 1, 1, 0},
      {"resnet50", 256, 56, 512, 1, 2, 0}, {"resnet50", 512, 28, 128, 1, 1, 0}, {"resnet50", 128, 28, 128, 3, 1, 1},
      // layer3 (28 -> 14)
      {"resnet50", 512, 28, 256, 1, 1, 0}, {"resnet50", 256, 28, 256, 3, 2, 1}, {"resnet50", 256, 14, 1024, 1, 1, 0},
      {"resnet50", 512, 28, 1024, 1, 2, 0}, {"resnet50", 1024, 14, 256, 1, 1, 0}, {"resnet50", 256, 14, 256, 3, 1, 1},
      // layer4 (14 -> 7)
      {"resnet50", 1024, 14, 512, 1, 1, 0}, {"resnet50", 512, 14, 512, 3, 2, 1}, {"resnet50", 512, 7, 2048, 1, 1, 0},
      {"resnet50", 1024, 14, 2048, 1, 2, 0}, {"resnet50", 2048, 7, 512, 1, 1, 0}, {"resnet50", 512, 7, 512, 3, 1, 1},
      // EfficientNet-Lite0's depthwise convolutions, stage by stage
      {"efficientnet", 32, 112, 32, 3, 1, 1, 32},     {"efficientnet", 96, 112, 96, 3, 2, 1, 96},
      {"efficientnet", 144, 56, 144, 3, 1, 1, 144},   {"efficientnet", 144, 56, 144, 5, 2, 2, 144},
      {"efficientnet", 240, 28, 240, 5, 1, 2, 240},   {"efficientnet", 240, 28, 240, 3, 2, 1, 240},
      {"efficientnet", 480, 14, 480, 3, 1, 1, 480},   {"efficientnet", 480, 14, 480, 5, 1, 2, 480},
      {"efficientnet", 672, 14, 672, 5, 1, 2, 672},   {"efficientnet", 672, 14, 672, 5, 2, 2, 672},
      {"efficientnet", 1152, 7, 1152, 5, 1, 2, 1152}, {"efficientnet", 1152, 7, 1152, 3, 1, 1, 1152},
  };
  return s;
}

inline inx::ops::Conv2dParams params(const ConvShape& s) {
  return {s.stride, s.stride, s.pad, s.pad, 1, 1, s.groups};
}

// "<pass>/<net>/n1_c64_h56_w56_o256_k1x1_s1x1_p0x0_d1x1_g1"
inline std::string conv_name(const char* pass, const ConvShape& s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s/%s/n1_c%zu_h%zu_w%zu_o%zu_k%zux%zu_s%zux%zu_p%zux%zu_d1x1_g%zu", pass, s.net,
                s.c, s.h, s.h, s.o, s.k, s.k, s.stride, s.stride, s.pad, s.pad, s.groups);
  return buf;
}

}  // namespace inx_bench
