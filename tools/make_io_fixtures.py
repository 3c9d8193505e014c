#!/usr/bin/env python3
"""Makes the fixtures of inx's io tests (tests/data/io): .npy/.npz files written by NumPy, IDX files, images with
their decoded pixels, bilinear resizes computed by PyTorch, and a corpus of broken files that every inx reader
must reject with inx::io_error. Deterministic; rerun with /usr/bin/python3 tools/make_io_fixtures.py.

--verify DIR checks the files that inx wrote (tests/io/test_npz.cpp calls this when Python is present): exactly the
expected .npy and .npz files and keys, each loading in NumPy with the values of `pattern` below (see verify()).
"""
import gzip
import io
import os
import shutil
import struct
import sys
import zipfile
import zlib

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "io")

DTYPES = {"f32": np.float32, "f64": np.float64, "i64": np.int64, "i32": np.int32, "u8": np.uint8, "b1": np.bool_}
SHAPES = {"0d": (), "1d": (7,), "4d": (2, 3, 4, 5), "empty": (0, 3)}


def pattern(code, shape):
    """Values the C++ tests can recompute exactly from the flat C-order index i."""
    i = np.arange(int(np.prod(shape, dtype=np.int64)), dtype=np.int64)
    if code == "f32":
        v = (i * 0.5 - 3.25).astype(np.float32)
    elif code == "f64":
        v = i * 0.1 + 1.0 / 3.0
    elif code == "i64":
        v = i * 1000003 - 5000000000000
    elif code == "i32":
        v = (i * 7 - 50).astype(np.int32)
    elif code == "u8":
        v = ((i * 37) % 256).astype(np.uint8)
    else:
        v = (i % 3) == 0
    return v.reshape(shape)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def npy_bytes(arr, version=None):
    b = io.BytesIO()
    if version is None:
        np.save(b, arr)
    else:
        np.lib.format.write_array(b, arr, version=version)
    return b.getvalue()


def raw_npy(header, data=b"", version=1):
    """An .npy file with an arbitrary header text (padded like NumPy's) and data."""
    h = header.encode("latin1")
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + data
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(h)) + h + data


def deflate(data):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def make_zip(members, zip64=False, trailing=b""):
    """A ZIP archive; members are dicts name/data and optional method, flags, declared size, crc, raw (compressed)."""
    out = bytearray()
    central = bytearray()
    for m in members:
        data = m["data"]
        method = m.get("method", 0)
        if "raw" in m:
            comp = m["raw"]
        elif method == 8:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            comp = c.compress(data) + c.flush()
        else:
            comp = data
        crc = m.get("crc", zlib.crc32(data) & 0xFFFFFFFF)
        size = m.get("size", len(data))
        name = m["name"].encode()
        local_name = m.get("local_name", m["name"]).encode()
        offset = len(out)
        flags = m.get("flags", 0)
        if zip64:
            lextra = struct.pack("<HHQQ", 1, 16, size, len(comp))
            out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, flags, method, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                               len(local_name), len(lextra)) + local_name + lextra
            cextra = struct.pack("<HHQQQ", 1, 24, size, len(comp), offset)
            central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, flags, method, 0, 0x21, crc, 0xFFFFFFFF,
                                   0xFFFFFFFF, len(name), len(cextra), 0, 0, 0, 0, 0xFFFFFFFF) + name + cextra
        else:
            out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, crc, len(comp), size,
                               len(local_name), 0) + local_name
            central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, 0, 0x21, crc, len(comp),
                                   size, len(name), 0, 0, 0, 0, 0, offset) + name
        out += comp
    cd_offset = len(out)
    out += central
    n = len(members)
    if zip64:
        rec = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, len(central), cd_offset)
        out += struct.pack("<IIQI", 0x07064B50, 0, rec, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), cd_offset, 0)
    return bytes(out) + trailing


def idx_bytes(arr, type_code=0x08):
    return bytes([0, 0, type_code, arr.ndim]) + b"".join(struct.pack(">I", d) for d in arr.shape) + arr.tobytes()


def make_npy():
    d = os.path.join(ROOT, "npy")
    os.makedirs(d, exist_ok=True)
    for code, dt in DTYPES.items():
        for sname, shape in SHAPES.items():
            np.save(os.path.join(d, f"{code}_{sname}.npy"), pattern(code, shape))
    a = pattern("f32", (3, 4, 5))
    write(os.path.join(d, "fortran_f32_3x4x5.npy"), npy_bytes(np.asfortranarray(a)))
    write(os.path.join(d, "fortran_i64_2x3.npy"), npy_bytes(np.asfortranarray(pattern("i64", (2, 3)))))
    write(os.path.join(d, "bigendian_f32_4d.npy"), npy_bytes(pattern("f32", SHAPES["4d"]).astype(">f4")))
    write(os.path.join(d, "bigendian_i64_1d.npy"), npy_bytes(pattern("i64", (7,)).astype(">i8")))
    write(os.path.join(d, "v2_f32_4d.npy"), npy_bytes(pattern("f32", SHAPES["4d"]), (2, 0)))
    write(os.path.join(d, "v3_i32_1d.npy"), npy_bytes(pattern("i32", (7,)), (3, 0)))
    # Hand-written but valid: double quotes, no trailing comma, odd spacing, keys in another order.
    write(os.path.join(d, "handwritten_i32_1d.npy"),
          raw_npy('{ "shape":(7,),"fortran_order" : False,  "descr":"<i4"}\n', pattern("i32", (7,)).tobytes()))


def npz_arrays():
    return {
        "features.0.weight": pattern("f32", (2, 3, 4, 5)),
        "features.0.bias": pattern("f32", (7,)),
        "bn.num_batches_tracked": pattern("i64", ()),
        "classifier.weight": pattern("f64", (0, 3)),
        "mask": pattern("b1", (7,)),
        "labels": pattern("u8", (2, 3, 4, 5)),
        "counts": pattern("i32", (7,)),
    }


def make_npz():
    d = os.path.join(ROOT, "npz")
    os.makedirs(d, exist_ok=True)
    arrays = npz_arrays()
    np.savez(os.path.join(d, "savez.npz"), **arrays)
    np.savez_compressed(os.path.join(d, "savez_compressed.npz"), **arrays)
    # ZIP64 records everywhere (what Python writes for members over 4 GiB), small enough to commit.
    members = [{"name": k + ".npy", "data": npy_bytes(v), "method": 8 if i % 2 else 0}
               for i, (k, v) in enumerate(arrays.items())]
    data = make_zip(members, zip64=True)
    write(os.path.join(d, "zip64.npz"), data)
    z = np.load(os.path.join(d, "zip64.npz"))
    assert all(np.array_equal(z[k], v) for k, v in arrays.items())
    # A weights folder: one .npy per key, including keys with dots, plus a file that is not .npy (ignored).
    folder = os.path.join(d, "weights_folder")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for k in ("features.0.weight", "features.0.bias", "bn.num_batches_tracked"):
        np.save(os.path.join(folder, k + ".npy"), arrays[k])
    write(os.path.join(folder, "README.txt"), b"not a tensor\n")


def make_idx():
    d = os.path.join(ROOT, "idx")
    os.makedirs(d, exist_ok=True)
    imgs = pattern("u8", (3, 4, 5))
    labels = (np.arange(6) % 10).astype(np.uint8)
    write(os.path.join(d, "images-idx3-ubyte"), idx_bytes(imgs))
    write(os.path.join(d, "images-idx3-ubyte.gz"), gzip.compress(idx_bytes(imgs), mtime=0))
    write(os.path.join(d, "labels-idx1-ubyte.gz"), gzip.compress(idx_bytes(labels), mtime=0))


def png_bytes(samples, color_type, bit_depth, palette=None, trns=None, interlace=False):
    """A PNG written by hand (every colour type and bit depth PIL cannot write, Adam7 interlacing), filter 0 rows.
    samples: (H, W) or (H, W, C) integers as stored (palette indices for colour type 3)."""
    a = np.asarray(samples)
    a = a.reshape(a.shape[0], a.shape[1], -1)
    h, w, c = a.shape

    def rows(img):
        out = b""
        for row in img:
            if bit_depth == 16:
                data = row.astype(">u2").tobytes()
            elif bit_depth == 8:
                data = row.astype(np.uint8).tobytes()
            else:  # pack several samples per byte, most significant first
                flat = row.reshape(-1).astype(np.uint32)
                per = 8 // bit_depth
                flat = np.concatenate([flat, np.zeros((-len(flat)) % per, np.uint32)])
                packed = np.zeros(len(flat) // per, np.uint32)
                for k in range(per):
                    packed |= flat[k::per] << (8 - bit_depth * (k + 1))
                data = packed.astype(np.uint8).tobytes()
            out += b"\x00" + data
        return out

    if interlace:
        raw = b""
        for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                               (0, 1, 1, 2)]:
            sub = a[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += rows(sub)
    else:
        raw = rows(a)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0,
                                                              int(interlace)))
    if palette is not None:
        out += chunk(b"PLTE", np.asarray(palette, np.uint8).tobytes())
    if trns is not None:
        out += chunk(b"tRNS", trns)
    return out + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


# PIL's modes for inx's channel counts; "native" is load_image(path) with channels = 0.
PIL_MODES = {"native": None, "L": 1, "LA": 2, "RGB": 3, "RGBA": 4}


def pil_decode(path):
    """Every conversion load_image offers, as PIL decodes and converts the file: {mode: (H, W, C) uint8}."""
    from PIL import Image

    out = {}
    with Image.open(path) as im:
        im.load()
        native = {"1": "L", "L": "L", "LA": "LA", "RGB": "RGB", "RGBA": "RGBA",
                  "P": "RGBA" if "transparency" in im.info else "RGB"}[im.mode]
        for mode in PIL_MODES:
            a = np.asarray(im.convert(native if mode == "native" else mode))
            out[mode] = a.reshape(a.shape[0], a.shape[1], -1)
    return out


def make_images():
    from PIL import Image

    d = os.path.join(ROOT, "image")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, (6, 9, 3), dtype=np.uint8)
    Image.fromarray(rgb, "RGB").save(os.path.join(d, "rgb_6x9.png"))
    np.save(os.path.join(d, "rgb_6x9.npy"), rgb)
    gray = rng.integers(0, 256, (5, 4), dtype=np.uint8)
    Image.fromarray(gray, "L").save(os.path.join(d, "gray_5x4.png"))
    np.save(os.path.join(d, "gray_5x4.npy"), gray)
    rgba = rng.integers(0, 256, (3, 7, 4), dtype=np.uint8)
    Image.fromarray(rgba, "RGBA").save(os.path.join(d, "rgba_3x7.png"))
    np.save(os.path.join(d, "rgba_3x7.npy"), rgba)
    g16 = rng.integers(0, 65536, (4, 6), dtype=np.uint16)
    Image.fromarray(g16.astype(np.int32), "I").convert("I;16").save(os.path.join(d, "gray16_4x6.png"))
    np.save(os.path.join(d, "gray16_4x6.npy"), np.asarray(Image.open(os.path.join(d, "gray16_4x6.png"))).astype(np.int32))
    # A smooth JPEG (decoders agree closely on smooth content); expected pixels as PIL/libjpeg decodes them.
    y, x = np.mgrid[0:24, 0:32]
    smooth = np.stack([x * 7, y * 9, (x + y) * 4], axis=-1).clip(0, 255).astype(np.uint8)
    Image.fromarray(smooth, "RGB").save(os.path.join(d, "smooth_24x32.jpg"), quality=95)
    np.save(os.path.join(d, "smooth_24x32_decoded.npy"), np.asarray(Image.open(os.path.join(d, "smooth_24x32.jpg"))))

    # Decoding parity with PIL: every PNG colour type and bit depth, palettes with and without transparency,
    # interlacing, and JPEGs of every chroma subsampling, progressive, gray, and a real photograph.
    h, w = 13, 11  # odd sizes: partial bytes for low bit depths, partial MCUs for JPEG, empty Adam7 passes
    hand = {
        "png_gray1_13x11.png": (rng.integers(0, 2, (h, w)), 0, 1, None, None),
        "png_gray2_13x11.png": (rng.integers(0, 4, (h, w)), 0, 2, None, None),
        "png_gray4_13x11.png": (rng.integers(0, 16, (h, w)), 0, 4, None, None),
        "png_gray_trns_13x11.png": (rng.integers(0, 256, (h, w)), 0, 8, None, b"\x00\x07"),
        "png_la8_13x11.png": (rng.integers(0, 256, (h, w, 2)), 4, 8, None, None),
        "png_rgb_interlaced_13x11.png": (rng.integers(0, 256, (h, w, 3)), 2, 8, None, None),
        "png_palette4_13x11.png": (rng.integers(0, 16, (h, w)), 3, 4, rng.integers(0, 256, (16, 3)), None),
        "png_palette_trns_13x11.png": (rng.integers(0, 40, (h, w)), 3, 8, rng.integers(0, 256, (40, 3)),
                                       bytes(rng.integers(0, 256, 25, dtype=np.uint8))),
    }
    for name, (samples, ct, depth, palette, trns) in hand.items():
        write(os.path.join(d, name), png_bytes(samples, ct, depth, palette, trns, interlace="interlaced" in name))
    # 16-bit colour: PIL narrows it to 8 bits, inx keeps 16, so the expected samples are the ones written.
    wide = {"png_rgb16_13x11.png": (rng.integers(0, 65536, (h, w, 3)), 2),
            "png_rgba16_interlaced_13x11.png": (rng.integers(0, 65536, (h, w, 4)), 6),
            "png_la16_13x11.png": (rng.integers(0, 65536, (h, w, 2)), 4)}
    for name, (samples, ct) in wide.items():
        write(os.path.join(d, name), png_bytes(samples, ct, 16, interlace="interlaced" in name))
        np.save(os.path.join(d, name[:-4] + ".npy"), samples.astype(np.int32))
    yy, xx = np.mgrid[0:37, 0:45]
    photo = np.stack([xx * 5 + yy, yy * 6, 255 - xx * 4], -1) + rng.integers(-40, 40, (37, 45, 3))
    photo = photo.clip(0, 255).astype(np.uint8)
    for name, kw in {"jpeg_444_37x45.jpg": dict(quality=90, subsampling=0),
                     "jpeg_422_37x45.jpg": dict(quality=80, subsampling=1),
                     "jpeg_420_37x45.jpg": dict(quality=75, subsampling=2),
                     "jpeg_progressive_37x45.jpg": dict(quality=85, progressive=True),
                     "jpeg_optimized_37x45.jpg": dict(quality=60, optimize=True)}.items():
        Image.fromarray(photo, "RGB").save(os.path.join(d, name), **kw)
    Image.fromarray(photo[..., 1], "L").save(os.path.join(d, "jpeg_gray_37x45.jpg"), quality=85)
    # A real photograph (scikit-image's rocket.jpg: a Falcon 9 launch, SpaceX, public domain), as a camera wrote it.
    shutil.copyfile("/usr/lib/python3/dist-packages/skimage/data/rocket.jpg", os.path.join(d, "photo_rocket.jpg"))

    small, crcs = {}, {}
    for name in sorted(os.listdir(d)):
        if not (name.startswith("png_") or name.startswith("jpeg_") or name.startswith("photo_")):
            continue
        if name in wide or not name.endswith((".png", ".jpg")):
            continue
        for mode, a in pil_decode(os.path.join(d, name)).items():
            if name.startswith("photo_"):  # too large to commit decoded: a CRC-32 of the (H, W, C) bytes
                crcs[f"{name}/{mode}"] = [int(a.shape[0]), int(a.shape[1]), int(a.shape[2]),
                                          zlib.crc32(a.tobytes()) & 0xFFFFFFFF]
            else:
                small[f"{name}/{mode}"] = a
    np.savez_compressed(os.path.join(d, "pil_decoded.npz"), **small)
    with open(os.path.join(d, "pil_crc32.txt"), "w") as f:
        f.write("# file/mode height width channels crc32 of PIL's decoded (H, W, C) uint8 bytes\n")
        for k, v in crcs.items():
            f.write(f"{k} {v[0]} {v[1]} {v[2]} {v[3]}\n")


def make_resize():
    import torch
    import torch.nn.functional as F

    d = os.path.join(ROOT, "resize")
    os.makedirs(d, exist_ok=True)
    g = torch.Generator().manual_seed(3)
    x = torch.rand(2, 3, 9, 13, generator=g)
    np.save(os.path.join(d, "input_2x3x9x13.npy"), x.numpy())
    for h, w in [(5, 7), (17, 20), (4, 26), (3, 3), (9, 13), (2, 1)]:
        for aa in (False, True):
            y = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False, antialias=aa)
            np.save(os.path.join(d, f"out_{h}x{w}_aa{int(aa)}.npy"), y.numpy())


def make_broken():
    d = os.path.join(ROOT, "broken")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    good = npy_bytes(pattern("f32", (2, 3, 4, 5)))
    body = pattern("f32", (2, 3)).tobytes()

    def hdr(text):
        return raw_npy(text + " " * (117 - len(text)) + "\n", body)

    broken = {
        "empty.npy": b"",
        "magic_only.npy": b"\x93NUMPY",
        "wrong_magic.npy": b"\x93NUMPZ" + good[6:],
        "version_4.npy": good[:6] + b"\x04\x00" + good[8:],
        "header_len_past_end.npy": good[:8] + struct.pack("<H", 60000) + good[10:200],
        "v2_header_len_huge.npy": b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{}",
        "header_not_dict.npy": hdr("['descr', '<f4']"),
        "header_missing_shape.npy": hdr("{'descr': '<f4', 'fortran_order': False, }"),
        "header_extra_key.npy": hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1, }"),
        "header_duplicate_key.npy": hdr("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"),
        "header_int_shape.npy": raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }\n", body),
        "header_negative_dim.npy": hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }"),
        "header_expression.npy": hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (2*1, 3), }"),
        "header_unclosed.npy": hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), "),
        "header_after_brace.npy": hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } x"),
        "header_escape.npy": hdr("{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2, 3), }"),
        "header_bad_bool.npy": hdr("{'descr': '<f4', 'fortran_order': maybe, 'shape': (2, 3), }"),
        "dtype_complex.npy": hdr("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }"),
        "dtype_pipe_f4.npy": hdr("{'descr': '|f4', 'fortran_order': False, 'shape': (2, 3), }"),
        "dtype_structured.npy": hdr("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }"),
        "dtype_object.npy": hdr("{'descr': '|O', 'fortran_order': False, 'shape': (2, 3), }"),
        "shape_1e12.npy": hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }"),
        "shape_overflow.npy": hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }"),
        "shape_huge_digits.npy": hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }"),
        "rank_9.npy": hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,2,3), }"),
        "truncated_data.npy": good[:-7],
        "trailing_garbage.npy": good + b"\x00garbage",
        "bool_value_2.npy": npy_bytes(np.zeros(4, np.uint8))
        .replace(b"'|u1'", b"'|b1'")[:-4] + b"\x00\x01\x02\x00",
    }
    for name, data in broken.items():
        write(os.path.join(d, name), data)

    arrays = npz_arrays()
    savez = io.BytesIO()
    np.savez(savez, **arrays)
    savez = savez.getvalue()
    comp = io.BytesIO()
    np.savez_compressed(comp, **arrays)
    comp = comp.getvalue()
    w_npy = npy_bytes(arrays["features.0.weight"])
    # Corrupt a data byte deep in the first stored member (past its .npy header) so only the CRC catches it.
    bad_crc = bytearray(savez)
    first = bad_crc.find(b"\x93NUMPY")
    bad_crc[first + 200] ^= 0x55
    zeros = npy_bytes(np.zeros(1 << 20, np.uint8))  # 1 MiB of zeros deflates to ~1 KiB
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros_deflated = c.compress(zeros) + c.flush()
    small_decl = npy_bytes(np.zeros(1000, np.uint8))
    short_npy = npy_bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8))[:-1000]
    npz = {
        "truncated_half.npz": savez[: len(savez) // 2],
        "truncated_compressed.npz": comp[: len(comp) - 30],
        "no_end_record.npz": savez[: savez.rfind(b"PK\x05\x06")],
        "trailing_garbage.npz": savez + b"junk",
        "bad_crc_stored.npz": bytes(bad_crc),
        "bad_crc_deflated.npz": make_zip([{"name": "a.npy", "data": w_npy, "method": 8, "crc": 1234}]),
        "corrupt_deflate.npz": make_zip([{"name": "a.npy", "data": w_npy, "method": 8,
                                          "raw": b"\xff" * 64}]),
        "bomb_declared_1e12.npz": make_zip([{"name": "a.npy", "data": zeros, "method": 8, "raw": zeros_deflated,
                                             "size": 10**12}], zip64=True),
        "bomb_more_than_declared.npz": make_zip([{"name": "a.npy", "data": small_decl, "method": 8,
                                                  "raw": deflate(small_decl + bytes(100000)),
                                                  "size": len(small_decl)}]),
        "declared_more_than_real.npz": make_zip([{"name": "a.npy", "data": short_npy, "method": 8,
                                                  "size": len(short_npy) + 1000}]),
        "stored_size_mismatch.npz": make_zip([{"name": "a.npy", "data": w_npy, "size": len(w_npy) + 8}]),
        "encrypted.npz": make_zip([{"name": "a.npy", "data": w_npy, "flags": 1}]),
        "method_bzip2.npz": make_zip([{"name": "a.npy", "data": w_npy, "method": 12}]),
        "not_npy_member.npz": make_zip([{"name": "readme.txt", "data": b"hello"}]),
        "duplicate_key.npz": make_zip([{"name": "a.npy", "data": w_npy}, {"name": "a.npy", "data": w_npy}]),
        "local_name_mismatch.npz": make_zip([{"name": "a.npy", "data": w_npy, "local_name": "b.npy"}]),
        "member_bad_npy.npz": make_zip([{"name": "a.npy", "data": w_npy + b"extra"}]),
        "member_truncated_npy.npz": make_zip([{"name": "a.npy", "data": w_npy[:-4]}]),
        "zip64_truncated.npz": make_zip([{"name": "a.npy", "data": w_npy}], zip64=True)[:-30],
    }
    # Overlapping members: the second entry's central record points at the first's local header.
    ov = bytearray(make_zip([{"name": "a.npy", "data": w_npy}, {"name": "a.npy", "data": w_npy}]))
    npz["overlapping.npz"] = bytes(ov).replace(b"PK\x01\x02", b"PK\x01\x02", 1)
    cd = ov.find(b"PK\x01\x02", ov.find(b"PK\x01\x02") + 4)
    struct.pack_into("<I", ov, cd + 42, 0)
    npz["overlapping.npz"] = bytes(ov)
    # Counts that cannot fit: 65000 entries claimed by a tiny central directory.
    many = bytearray(savez)
    e = many.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", many, e + 8, 65000, 65000)
    npz["entry_count_absurd.npz"] = bytes(many)
    off = bytearray(savez)
    struct.pack_into("<I", off, e + 16, 0x7FFFFFF0)
    npz["cd_offset_past_end.npz"] = bytes(off)
    for name, data in npz.items():
        write(os.path.join(d, name), data)

    imgs = pattern("u8", (3, 4, 5))
    raw = idx_bytes(imgs)
    idx = {
        "wrong_magic.idx": b"\x01\x00" + raw[2:],
        "float_type.idx": raw[:2] + b"\x0d" + raw[3:],
        "rank_0.idx": b"\x00\x00\x08\x00",
        "rank_9.idx": b"\x00\x00\x08\x09" + struct.pack(">9I", *[1] * 9) + b"\x00",
        "truncated_header.idx": raw[:9],
        "truncated_data.idx": raw[:-5],
        "trailing_garbage.idx": raw + b"\x00",
        "absurd_dims.idx": b"\x00\x00\x08\x03" + struct.pack(">3I", 60000, 60000, 60000) + b"\x00" * 16,
        "truncated.idx.gz": gzip.compress(raw, mtime=0)[:-12],
        "corrupt.idx.gz": gzip.compress(raw, mtime=0)[:12] + b"\xff" * 20 + gzip.compress(raw, mtime=0)[32:],
        "bad_gzip_crc.idx.gz": gzip.compress(raw, mtime=0)[:-8] + b"\x00\x00\x00\x00" + gzip.compress(raw, mtime=0)[-4:],
        "bomb_dims.idx.gz": gzip.compress(b"\x00\x00\x08\x03" + struct.pack(">3I", 60000, 60000, 60000) + b"\x00" * 4096, mtime=0),
        "isize_mismatch.idx.gz": gzip.compress(raw, mtime=0)[:-4] + struct.pack("<I", 12345),
        "trailing_garbage.idx.gz": gzip.compress(raw, mtime=0) + b"junk",
        "gz_wrong_inner_magic.idx.gz": gzip.compress(b"\x05\x05" + raw[2:], mtime=0),
    }
    for name, data in idx.items():
        write(os.path.join(d, name), data)

    png = open(os.path.join(ROOT, "image", "rgb_6x9.png"), "rb").read()
    jpg = open(os.path.join(ROOT, "image", "smooth_24x32.jpg"), "rb").read()
    huge = bytearray(png)
    struct.pack_into(">II", huge, 16, 10000, 10000)  # IHDR width/height (its CRC is then wrong, too)
    huge_fixed = bytearray(huge)
    struct.pack_into(">I", huge_fixed, 29, zlib.crc32(bytes(huge_fixed[12:29])))
    images = {
        "truncated.png": png[:60],
        "header_only.png": png[:33],
        "huge_dims.png": bytes(huge_fixed),
        "text.png": b"this is not an image\n",
        "gif.png": b"GIF89a" + b"\x00" * 40,
        "jpeg_soi_only.jpg": jpg[:3],
        "jpeg_header_truncated.jpg": jpg[:100],
    }
    for name, data in images.items():
        write(os.path.join(d, name), data)


def verify(folder):
    """Checks what inx wrote (tests/io/test_npz.cpp NumpyLoadsWhatInxWrites): exactly one .npy per dtype and shape,
    layer.0.<code>_<shape>.npy, and stored.npz / deflated.npz holding exactly those keys with the right compression;
    every array must load in NumPy and hold pattern(code, shape). A missing or extra file or key fails."""
    keys = {f"layer.0.{code}_{sname}" for code in DTYPES for sname in SHAPES}
    want_files = {k + ".npy" for k in keys} | {"stored.npz", "deflated.npz"}
    have_files = {n for n in os.listdir(folder) if n.endswith((".npy", ".npz"))}
    ok = True
    for n in sorted(want_files - have_files):
        print(f"MISSING {n}")
        ok = False
    for n in sorted(have_files - want_files):
        print(f"UNEXPECTED {n}")
        ok = False
    for name in sorted(have_files & want_files):
        path = os.path.join(folder, name)
        if name.endswith(".npy"):
            got = {name[:-4]: np.load(path)}
        else:
            with zipfile.ZipFile(path) as zf:
                method = zipfile.ZIP_STORED if name == "stored.npz" else zipfile.ZIP_DEFLATED
                wrong = [i.filename for i in zf.infolist() if i.compress_type != method]
                if wrong:
                    print(f"MISMATCH {name}: members {wrong} not compressed with method {method}")
                    ok = False
            with np.load(path) as z:
                got = {k: z[k] for k in z.files}
            if set(got) != keys:
                print(f"MISMATCH {name}: keys missing {sorted(keys - set(got))}, unexpected {sorted(set(got) - keys)}")
                ok = False
        for key, arr in got.items():
            if key not in keys:
                continue
            stem, sname = key.rsplit("_", 1)
            code = stem.split(".")[-1]
            want = pattern(code, SHAPES[sname])
            if arr.dtype != want.dtype or arr.shape != want.shape or not np.array_equal(arr, want):
                print(f"MISMATCH {name}:{key}: {arr.dtype}{arr.shape} vs {want.dtype}{want.shape}")
                ok = False
    print(f"verified {len(have_files)} files" if ok else "FAILED")
    return 0 if ok else 1


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--verify":
        return verify(sys.argv[2])
    make_npy()
    make_npz()
    make_idx()
    make_images()
    make_resize()
    make_broken()
    return 0


if __name__ == "__main__":
    sys.exit(main())
