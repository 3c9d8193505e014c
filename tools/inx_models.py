"""PyTorch definitions of inx's model zoo, with the exact module names inx's C++ types use.

torchvision's vgg16, vgg16_bn, resnet18, resnet50 and mobilenet_v2 are used as they are; `fmnist` is inx's own
default Fashion-MNIST classifier. Its state_dict() keys are the parameter names the C++ model loads.
"""
import torch
from torch import nn

FMNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def fmnist(num_classes=10):
    """Conv/BN/ReLU stack ending in global average pooling and one linear layer, so Grad-CAM has a clean last
    conv layer (features.14) with 7x7 maps."""
    def block(cin, cout):
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

    layers = (block(1, 32) + block(32, 32) + [nn.MaxPool2d(2)] +
              block(32, 64) + block(64, 64) + [nn.MaxPool2d(2)] +
              block(64, 128))
    model = nn.Sequential()
    model.add_module("features", nn.Sequential(*layers))
    model.add_module("pool", nn.AdaptiveAvgPool2d(1))
    model.add_module("flatten", nn.Flatten())
    model.add_module("classifier", nn.Linear(128, num_classes))
    return model


def build(name, num_classes=None):
    """A zoo model by name with seeded-random (untrained) weights."""
    import torchvision
    if name == "fmnist":
        return fmnist(num_classes or 10)
    ctor = {"vgg16": torchvision.models.vgg16, "vgg16_bn": torchvision.models.vgg16_bn,
            "resnet18": torchvision.models.resnet18, "resnet50": torchvision.models.resnet50,
            "mobilenet_v2": torchvision.models.mobilenet_v2}.get(name)
    if ctor is None:
        raise SystemExit(f"unknown model '{name}'")
    return ctor(weights=None, num_classes=num_classes or 1000)
