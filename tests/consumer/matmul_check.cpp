// The program both consumer projects build: it uses inx the way a user's project would and exits non-zero unless
// ops::matmul gives the exact product of two small integer matrices.
#include <cstdio>
#include <vector>

#include "inx/tensor/gemm.hpp"

int main() {
  const std::vector<float> a = {1, 2, 3, 4, 5, 6};        // 2 x 3
  const std::vector<float> b = {7, 8, 9, 10, 11, 12};     // 3 x 2
  const std::vector<float> expected = {58, 64, 139, 154};  // a * b
  auto ta = inx::Tensor<float>::from_host({2, 3}, a);
  auto tb = inx::Tensor<float>::from_host({3, 2}, b);
  auto c = inx::ops::matmul<inx::cpu>(ta, tb);
  if (c.shape() != inx::Shape{2, 2}) {
    std::fprintf(stderr, "matmul: expected shape (2, 2), found %s\n", c.shape().str().c_str());
    return 1;
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (c.data()[i] != expected[i]) {
      std::fprintf(stderr, "matmul: element %zu expected %g, found %g\n", i, expected[i], c.data()[i]);
      return 1;
    }
  }
  std::printf("inx %s: matmul ok\n", INX_VERSION_STRING);
  return 0;
}
