#!/usr/bin/env python3
"""Makes tests/data/labels/: scikit-learn's synonym grouping of real label embeddings, the reference of
tests/labels/test_reference.cpp. Reads the label demo's Sentence-BERT embeddings (data/labels/demo/embeddings.npy,
vocab.txt: every normalised text and word of data/labels/demo/labels.json), sorts the texts as inx does, and runs
AgglomerativeClustering(metric="cosine", linkage="complete") for every k in 2..n-1 with silhouette_score(metric=
"cosine"); writes
  reference_texts.txt   the n texts, sorted as inx sorts them (byte order); the labels below follow this order
  reference.npz         silhouette (k = 2..n-1); best_k; best_labels (n,); labels_k<K> (n,) for K in KS
Rerun: /usr/bin/python3 tools/make_label_fixtures.py"""
import os

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import silhouette_score

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DEMO = os.path.join(ROOT, "data", "labels", "demo")
OUT = os.path.join(ROOT, "tests", "data", "labels")
KS = (2, 3, 5, 10, 20, 40)


def main():
    emb = np.load(os.path.join(DEMO, "embeddings.npy"))
    with open(os.path.join(DEMO, "vocab.txt"), encoding="utf-8") as f:
        vocab = f.read().split("\n")[:-1]
    assert len(vocab) == len(emb)
    order = sorted(range(len(vocab)), key=lambda i: vocab[i].encode("utf-8"))  # byte order, as std::sort does
    texts = [vocab[i] for i in order]
    x = emb[order].astype(np.float32)
    n = len(texts)
    sil, labels = [], {}
    for k in range(2, n):
        lab = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="complete").fit_predict(x)
        labels[k] = lab
        sil.append(silhouette_score(x, lab, metric="cosine"))
    sil = np.array(sil, np.float64)
    best_k = int(np.argmax(sil)) + 2  # the first maximum: ties go to the smaller k
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "reference_texts.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(t + "\n" for t in texts))
    out = {"silhouette": sil, "best_k": np.array(best_k, np.int64),
           "best_labels": labels[best_k].astype(np.int64)}
    for k in KS:
        out[f"labels_k{k}"] = labels[k].astype(np.int64)
    np.savez_compressed(os.path.join(OUT, "reference.npz"), **out)
    print(f"{n} texts; best k = {best_k}, silhouette {sil.max():.4f}")


if __name__ == "__main__":
    main()
