#!/usr/bin/python3
"""Fixtures for inx's explain part (weighting policies and the INV explainer): pytorch-grad-cam's CAMs and INV's
five steps on vgg16 and resnet18 with synthetic weights, on two real photographs.

Reference: pytorch-grad-cam 1.5.x ("grad-cam" on PyPI, made with 1.5.7), installed over Debian's torch/opencv:
  apt-get install -y python3-opencv python3-tqdm python3-pip
  /usr/bin/python3 -m pip install --break-system-packages --no-deps "grad-cam>=1.5,<1.6" ttach
Rerun: /usr/bin/python3 tools/make_explain_fixtures.py

Models are torchvision's vgg16 / resnet18 with every state_dict tensor filled by tools/make_zoo_fixtures.py's
`synthetic` formula (C++: include/inx/models/synthetic.hpp). Images, both (1,3,128,128) ImageNet-normalised:
  chelsea  exactly tests/data/models/input.npz's x (skimage chelsea cut to 180x240, short side 146, crop 128)
  coffee   skimage.data.coffee() (400x600) through the same preprocessing (make_zoo_fixtures.preprocess)
Layers: vgg16 features.29 (512x8x8) and features.22 (512x16x16); resnet18 layer4 (512x4x4) and layer3 (256x8x8).

Writes tests/data/explain/
  chelsea.png, coffee.png    the two photographs at full size (inputs of bench/bench_explain.cpp)
  cam_<model>.npz, model in {vgg16, resnet18}; img in {chelsea, coffee}; m in {gradcam, gradcampp, xgradcam,
  hirescam, layercam}:
    x:<img>                    (1,3,128,128) float32 network input
    logits:<img>               (1,1000) float32, what the CAM object's forward returned
    target:<img>               (1,) int64 argmax of the logits (pytorch-grad-cam's choice when targets=None; the
                               backward seeds the raw logit of that class, not the softmax)
    act:<img>:<layer>          (K,H,W) float32 activation captured by pytorch-grad-cam's ActivationsAndGradients
    grad:<img>:<layer>         (K,H,W) float32 d logit[target] / d act, captured the same way
    weights:<m>:<img>:<layer>  (K,) float32. gradcam / gradcampp / xgradcam: the method's get_cam_weights.
                               hirescam / layercam have no per-channel weights (their weight is per pixel); stored
                               instead is the SPATIAL MEAN of that per-pixel weight: hirescam mean_ij G,
                               layercam mean_ij max(G, 0)
    cam:<m>:<img>:<layer>      (H,W) float32 np.maximum(get_cam_image(...), 0) at layer resolution
    scaled:<m>:<img>:<layer>   (128,128) float32 what the CAM object returns for that single target layer
                               (min-max scaled, cv2-resized to the input size, then min-max scaled again by
                               aggregate_multi_layers)
  inv_steps.npz, case in {vgg16:features.29, vgg16:features.22, resnet18:layer3}, image chelsea, from the act /
  grad of cam_<model>.npz, by tools/inv_reference.py (float64 maths), clustered by scikit-learn
  AgglomerativeClustering(n_clusters=3, linkage="ward") on the kept maps' rows (flattened raw activations):
    alpha:<case> (K,) float64   guided weights      w:<case> (K,) float64 percent     tau:<case> () float64
    kept:<case> int64 ascending                     labels:<case> int64, sklearn's label per kept map
    cluster_weight:<case> (3,) float64 w_C per label 0..2
    cluster_map:<case> (3,128,128) float32 A_C per label   ranked:<case> int64 kept labels, heaviest first
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from skimage import data as skdata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inv_reference as inv  # noqa: E402
import make_zoo_fixtures as zoo  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "data", "explain")
LAYERS = {"vgg16": ["features.29", "features.22"], "resnet18": ["layer4", "layer3"]}
INV_CASES = [("vgg16", "features.29"), ("vgg16", "features.22"), ("resnet18", "layer3")]


def methods():
    import pytorch_grad_cam as pgc
    return {"gradcam": pgc.GradCAM, "gradcampp": pgc.GradCAMPlusPlus, "xgradcam": pgc.XGradCAM,
            "hirescam": pgc.HiResCAM, "layercam": pgc.LayerCAM}


def images():
    x_chelsea = torch.from_numpy(np.load(os.path.join(HERE, "..", "tests", "data", "models", "input.npz"))["x"])
    x_coffee = zoo.preprocess(skdata.coffee())
    assert x_chelsea.shape == x_coffee.shape == (1, 3, 128, 128)
    return {"chelsea": x_chelsea.float().contiguous(), "coffee": x_coffee.float().contiguous()}


def run_cam(cls, model, module, x):
    """One CAM object, one target layer, targets=None. Returns (scaled, logits, target, act, grad, object)."""
    cam = cls(model=model, target_layers=[module])
    try:
        scaled = cam(input_tensor=x, targets=None)
        act = cam.activations_and_grads.activations[0].numpy()
        grad = cam.activations_and_grads.gradients[0].numpy()
        logits = cam.outputs.detach().numpy()
    finally:
        cam.activations_and_grads.release()
    return scaled, logits, act, grad, cam


def make_cam(name, xs):
    from pytorch_grad_cam.utils.image import scale_cam_image
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    model = zoo.build(name)
    modules = dict(model.named_modules())
    out = {}
    for img, x in xs.items():
        out[f"x:{img}"] = x.numpy()
        for layer in LAYERS[name]:
            for m, cls in methods().items():
                scaled, logits, act, grad, cam = run_cam(cls, model, modules[layer], x)
                target = np.argmax(logits, axis=-1).astype(np.int64)
                targets = [ClassifierOutputTarget(int(t)) for t in target]
                if f"logits:{img}" not in out:
                    out[f"logits:{img}"], out[f"target:{img}"] = logits, target
                assert np.array_equal(out[f"target:{img}"], target)
                np.testing.assert_allclose(logits, out[f"logits:{img}"], rtol=0, atol=1e-5)
                key = f"{img}:{layer}"
                if f"act:{key}" not in out:
                    out[f"act:{key}"], out[f"grad:{key}"] = act[0], grad[0]
                # every method saw the same activations and gradients (same model, same input)
                np.testing.assert_allclose(act[0], out[f"act:{key}"], rtol=0, atol=1e-5)
                np.testing.assert_allclose(grad[0], out[f"grad:{key}"], rtol=0, atol=1e-6)
                if m in ("gradcam", "gradcampp", "xgradcam"):
                    w = cam.get_cam_weights(x, modules[layer], targets, act, grad)[0]
                elif m == "hirescam":
                    w = grad[0].mean(axis=(1, 2))
                else:
                    w = np.maximum(grad[0], 0).mean(axis=(1, 2))
                c = np.maximum(cam.get_cam_image(x, modules[layer], targets, act, grad, False), 0)
                # the chain: per-layer min-max + resize, then aggregate_multi_layers' second min-max
                again = scale_cam_image(scale_cam_image(c, (x.shape[-1], x.shape[-2])))
                np.testing.assert_allclose(again, scaled, rtol=0, atol=1e-6)
                out[f"weights:{m}:{key}"] = np.asarray(w, np.float32)
                out[f"cam:{m}:{key}"] = c[0].astype(np.float32)
                out[f"scaled:{m}:{key}"] = scaled[0].astype(np.float32)
        print(name, img, "target", int(out[f"target:{img}"][0]),
              {k.split(":", 1)[1]: v.shape for k, v in out.items() if k.startswith(f"act:{img}")})
    check_against_zoo(name, out)
    np.savez_compressed(os.path.join(OUT, f"cam_{name}.npz"), **out)
    return out


def check_against_zoo(name, out):
    """The captured tensors equal tests/data/models/<model>.npz's own hooks where both tap the same layer."""
    zf = np.load(os.path.join(HERE, "..", "tests", "data", "models", f"{name}.npz"))
    for layer in LAYERS[name]:
        if f"act:{layer}" in zf:
            np.testing.assert_allclose(out[f"act:chelsea:{layer}"], zf[f"act:{layer}"][0], rtol=0, atol=1e-4)
            scale = np.abs(zf[f"grad:{layer}"]).max()
            np.testing.assert_allclose(out[f"grad:chelsea:{layer}"], zf[f"grad:{layer}"][0], rtol=0,
                                       atol=1e-4 * scale)
            print(f"  {name} {layer}: matches tests/data/models/{name}.npz")


def check_upsample():
    """inv_reference.upsample is torch's bilinear interpolate (align_corners=False, antialias=False)."""
    rng = np.random.default_rng(0)
    for h, w in [(4, 4), (8, 8), (16, 16), (7, 5)]:
        m = rng.standard_normal((3, h, w))
        ref = F.interpolate(torch.from_numpy(m)[None], size=(128, 128), mode="bilinear",
                            align_corners=False).numpy()[0]
        assert np.abs(inv.upsample(m, (128, 128)) - ref).max() < 1e-12, (h, w)


def make_inv(cams):
    from sklearn.cluster import AgglomerativeClustering

    def ward3(rows):
        return AgglomerativeClustering(n_clusters=3, linkage="ward").fit_predict(rows)

    out = {}
    for name, layer in INV_CASES:
        case = f"{name}:{layer}"
        act, grad = cams[name][f"act:chelsea:{layer}"], cams[name][f"grad:chelsea:{layer}"]
        r = inv.explain_layer(act, grad, ward3, (128, 128))
        literal = inv.cluster_maps_literal(act, r["w"], r["kept"], r["labels"], (128, 128))
        assert np.abs(literal - r["cluster_map"]).max() < 1e-9
        # how fragile are the decisions to float32 maths on the C++ side?
        margin = np.abs(r["w"] - r["tau"]).min()
        w32 = inv.percent(inv.guided_weights(act, grad).astype(np.float32)).astype(np.float32)
        same32 = np.array_equal(np.flatnonzero(w32 > np.float32(r["tau"])), r["kept"])
        lab32 = AgglomerativeClustering(n_clusters=3, linkage="ward").fit_predict(
            act[r["kept"]].reshape(len(r["kept"]), -1).astype(np.float32))
        for key, v in r.items():
            out[f"{key}:{case}"] = v.astype(np.float32) if key == "cluster_map" else np.asarray(v)
        print(f"inv {case}: K={len(r['w'])} tau={r['tau']} kept={len(r['kept'])} "
              f"(min |w-tau| {margin:.2e}, float32 same kept: {same32}, float32 Ward same labels: "
              f"{np.array_equal(lab32, r['labels'])}) sizes={np.bincount(r['labels']).tolist()} "
              f"w_C={np.round(r['cluster_weight'], 3).tolist()} ranked={r['ranked'].tolist()}")
    np.savez_compressed(os.path.join(OUT, "inv_steps.npz"), **out)


def write_photos():
    """The two photographs at full size as PNGs, for bench/bench_explain.cpp (inx preprocesses them itself)."""
    from PIL import Image
    for name in ("chelsea", "coffee"):
        Image.fromarray(getattr(skdata, name)()).save(os.path.join(OUT, f"{name}.png"), optimize=True)


def main():
    import pytorch_grad_cam
    try:
        from importlib.metadata import version
        v = version("grad-cam")
    except Exception:  # pragma: no cover
        v = getattr(pytorch_grad_cam, "__version__", "?")
    if not v.startswith("1.5"):
        sys.exit(f"make_explain_fixtures: needs pytorch-grad-cam 1.5.x, found {v}")
    print("pytorch-grad-cam", v, "torch", torch.__version__)
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    write_photos()
    check_upsample()
    xs = images()
    cams = {name: make_cam(name, xs) for name in LAYERS}
    make_inv(cams)
    for f in sorted(os.listdir(OUT)):
        print(f"  {f}: {os.path.getsize(os.path.join(OUT, f)) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
