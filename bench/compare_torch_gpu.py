#!/usr/bin/env python3
"""PyTorch on the same GPU as bench_cuda, for issue 11's ratios: torchvision's resnet50 (random weights, eval mode,
TF32 off) at 224x224 — inference at batch 1 and 64, and Grad-CAM's network pass (forward with a hook keeping layer4's
output, backward of each image's top logit to it) at batch 1 and 64. Prints one JSON object of median milliseconds.
Exits 77 when PyTorch or a CUDA device is missing, so callers can say it was skipped.
Usage: compare_torch_gpu.py [--repeats N]"""
import argparse
import json
import statistics
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    try:
        import torch
        import torchvision
    except ImportError as e:
        print(f"compare_torch_gpu: {e}", file=sys.stderr)
        return 77
    if not torch.cuda.is_available():
        print("compare_torch_gpu: torch sees no CUDA device", file=sys.stderr)
        return 77
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device("cuda")
    net = torchvision.models.resnet50(weights=None).to(dev).eval()
    for p in net.parameters():
        p.requires_grad_(False)  # data gradients only, as inx computes them
    kept = {}

    def keep(module, inputs, output):
        # The graph starts at layer4's output, so backward stops there, as inx's does at its tap.
        kept["a"] = output.detach().requires_grad_()
        return kept["a"]

    net.layer4.register_forward_hook(keep)

    def timed(fn):
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
        ts = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            fn()
            torch.cuda.synchronize()
            ts.append((time.perf_counter() - t0) * 1e3)
        return statistics.median(ts)

    out = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__}
    for n in (1, 64):
        x = torch.randn(n, 3, 224, 224, device=dev)

        def infer():
            with torch.no_grad():
                net(x)

        def gradcam():
            logits = net(x)
            logits.gather(1, logits.argmax(1, keepdim=True)).sum().backward()
            return kept["a"].grad

        out[f"resnet50_forward_b{n}_ms"] = timed(infer)
        out[f"resnet50_gradcam_b{n}_ms"] = timed(gradcam)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
