#!/usr/bin/env python3
"""Export a PyTorch classifier's state_dict to the .npz file inx loads.

  export_torch.py --model resnet18 --seed 0 --out resnet18.npz            # seeded random weights
  export_torch.py --model resnet50 --checkpoint my.pth --out resnet50.npz  # a user's checkpoint

The whole export path is np.savez(out, **{k: v.numpy() for k, v in state_dict.items()}): inx names parameters
exactly as PyTorch does.
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inx_models  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="fmnist, vgg16, vgg16_bn, resnet18, resnet50, mobilenet_v2")
    ap.add_argument("--checkpoint", help="a .pth state_dict (or a dict with a 'state_dict' entry)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--num-classes", type=int)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    model = inx_models.build(args.model, args.num_classes)
    if args.checkpoint:
        sd = torch.load(args.checkpoint, map_location="cpu")
        if isinstance(sd, dict) and "state_dict" in sd:
            sd = sd["state_dict"]
        model.load_state_dict(sd)
    arrays = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    tmp = args.out + ".tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, args.out)
    print(f"{args.out}: {len(arrays)} tensors, {sum(a.size for a in arrays.values())} values")


if __name__ == "__main__":
    main()
