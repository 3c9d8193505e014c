// All of inx's file formats: .npy/.npz arrays, weights, IDX data sets, images, and image resizing.
#pragma once

#include "inx/io/array.hpp"
#include "inx/io/idx.hpp"
#include "inx/io/image.hpp"
#include "inx/io/limits.hpp"
#include "inx/io/npy.hpp"
#include "inx/io/npz.hpp"
#include "inx/io/resize.hpp"
#include "inx/io/tensors.hpp"
