// A user's CUDA program against the installed inx::cuda: builds everywhere, and where a GPU is present checks
// ops::matmul<cuda> against the exact product of two small integer matrices.
#include <cstdio>
#include <vector>

#include "inx/cuda/gemm.cuh"

int main() {
  if (!inx::cuda::available()) {
    std::printf("inx::cuda: no CUDA device here; built only\n");
    return 0;
  }
  const std::vector<float> a = {1, 2, 3, 4, 5, 6}, b = {7, 8, 9, 10, 11, 12}, expected = {58, 64, 139, 154};
  auto ta = inx::Tensor<float>::from_host({2, 3}, a).to<inx::cuda>();
  auto tb = inx::Tensor<float>::from_host({3, 2}, b).to<inx::cuda>();
  auto c = inx::ops::matmul<inx::cuda>(ta, tb).to<inx::cpu>();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (c.data()[i] != expected[i]) {
      std::fprintf(stderr, "matmul (cuda): element %zu expected %g, found %g\n", i, expected[i], c.data()[i]);
      return 1;
    }
  }
  std::printf("inx::cuda: matmul ok\n");
  return 0;
}
