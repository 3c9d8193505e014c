#!/usr/bin/env bash
# `mpirun -np N inx ...` against one process, on this machine (loopback only): explain, evaluate, classify and global
# over the default model's demo images with 1, 2 and 4 ranks must write what one process writes: the same files,
# bit for bit where every rank's batches hold the same images as one process's, numbers within 1e-6 relative where
# they do not (same partitions, same structure). A rank that meets a bad image stops the whole run with its one line
# and leaves nothing behind. Skips (77) when the program has no MPI built in or mpirun is missing.
# Usage: tests/cli/mpi.sh path/to/inx  (CTest test cli_mpi)
set -u
INX=${1:?usage: mpi.sh path/to/inx}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$ROOT/tests/cli/lib.sh"

if ! "$INX" version | grep -q '^MPI: *Open MPI\|^MPI: *MPICH\|^MPI: .*(not started by mpirun'; then
  echo "skip: this inx has no MPI built in ($("$INX" version | grep '^MPI'))"
  exit 77
fi
command -v mpirun >/dev/null || { echo "skip: no mpirun on PATH (Debian: openmpi-bin)"; exit 77; }

# Open MPI refuses root unless asked; one thread per rank (2 cores here); shared memory and self only: no network.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
MPI=(mpirun -q --oversubscribe --mca btl self,vader -x OMP_NUM_THREADS)
run_np() { local n=$1; shift; "${MPI[@]}" -np "$n" "$INX" "$@"; }  # run_np N ARGS...
close() {  # close NAME A.json B.json RTOL [json_close.py flags] : json_close.py
  if out=$(python3 "$ROOT/tests/cli/json_close.py" "$2" "$3" --rtol "$4" "${@:5}"); then echo "ok   $1: $out"; else
    fail "$1"
    echo "$out"
  fi
}
same_files() {  # same_files NAME DIR_A DIR_B [bytes] : the same file names (and, with "bytes", the same contents)
  local a b
  if [ "${4:-}" = bytes ]; then
    a=$(cd "$2" && find . -type f | sort | xargs md5sum)
    b=$(cd "$3" && find . -type f | sort | xargs md5sum)
  else
    a=$(cd "$2" && find . | sort)
    b=$(cd "$3" && find . | sort)
  fi
  if [ "$a" = "$b" ]; then echo "ok   $1: $(cd "$2" && find . -type f | wc -l) files, the same${4:+ bytes}"; else
    fail "$1: the folders differ"
    diff <(echo "$a") <(echo "$b") | head -5
  fi
}

SAMPLES=$ROOT/data/samples  # the default model's demo images: 10 Fashion-MNIST images and 2 photographs
IDX=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz

# The program as before without mpirun, and under it.
"$INX" version | grep -q '^MPI: .*(not started by mpirun: one process)' && echo "ok   version: one process" ||
  fail "version without mpirun"
[ "$(run_np 2 version | grep -c '^MPI: .*(rank 0 of 2)')" = 1 ] && echo "ok   version under mpirun: rank 0 of 2, once" ||
  fail "version under mpirun -np 2"
[ "$(run_np 2 layers --model fmnist | grep -c "features.16 ")" = 1 ] && echo "ok   layers under mpirun: printed once" ||
  fail "layers under mpirun -np 2: expected its output once"

# explain: 12 images, batches of 2. With 1 and 2 ranks every batch holds the same images as one process's (bit for
# bit, pictures included); with 4 ranks (3 images each) they do not.
EX=(explain --image "$SAMPLES" --batch 2 --npy --labeling --quiet)
expect_ok explain_one "$INX" "${EX[@]}" --out "$TMP/ex1"
cp "$TMP/out" "$TMP/ex1.txt"
for n in 1 2 4; do
  expect_ok "explain_np$n" run_np "$n" "${EX[@]}" --out "$TMP/ex$n-mpi"
  sed "s#$TMP/ex$n-mpi#$TMP/ex1#g" "$TMP/out" | diff -q - "$TMP/ex1.txt" >/dev/null && echo "ok   explain_np$n: the same summary" ||
    fail "explain_np$n: its summary on stdout differs from one process's"
done
for n in 1 2; do
  close "explain_np$n report.json" "$TMP/ex1/report.json" "$TMP/ex$n-mpi/report.json" 0
  same_files "explain_np$n files" "$TMP/ex1" "$TMP/ex$n-mpi" bytes
done
close "explain_np4 report.json" "$TMP/ex1/report.json" "$TMP/ex4-mpi/report.json" 1e-6
same_files "explain_np4 files" "$TMP/ex1" "$TMP/ex4-mpi"
ls -A "$TMP/ex4-mpi" | grep -q staging && fail "explain_np4: a staging folder was left behind"

# evaluate: the 12 images and 12 of the test set (24: with 2 and 4 ranks, batches of 3 and 6 line up).
EV=(evaluate --image "$SAMPLES" --idx "$IDX" --idx-count 12 --method gradcam,inv,random,sobel --sanity-steps 2
    --quiet)
expect_ok evaluate_one "$INX" "${EV[@]}" --batch 6 --out "$TMP/ev1"
for n in 2 4; do
  expect_ok "evaluate_np$n" run_np "$n" "${EV[@]}" --batch 6 --out "$TMP/ev$n"
  close "evaluate_np$n metrics.json" "$TMP/ev1/metrics.json" "$TMP/ev$n/metrics.json" 1e-6
  cmp -s "$TMP/ev1/metrics.csv" "$TMP/ev$n/metrics.csv" && echo "ok   evaluate_np$n: metrics.csv bit for bit" ||
    fail "evaluate_np$n: metrics.csv differs"
done
expect_ok evaluate_np4_batch5 run_np 4 "${EV[@]}" --batch 5 --out "$TMP/ev4b"  # 6 each, in batches of 5 and 1
close "evaluate_np4 (batches that differ) metrics.json" "$TMP/ev1/metrics.json" "$TMP/ev4b/metrics.json" 1e-6 \
  --ignore batch

# classify: one image at a time, so bit for bit however the images are shared (5 images over 4 ranks: 2, 1, 1, 1).
CL=(classify --model fmnist --image "$SAMPLES/fmnist_0000_ankle_boot.png" --image "$SAMPLES/chelsea.png"
    --image "$SAMPLES/fmnist_0002_trouser.png" --image "$SAMPLES/coffee.png" --image "$SAMPLES/fmnist_0018_bag.png")
expect_ok classify_one "$INX" "${CL[@]}" --json "$TMP/cl1.json"
cp "$TMP/out" "$TMP/cl1.txt"
for n in 2 4; do
  expect_ok "classify_np$n" run_np "$n" "${CL[@]}" --json "$TMP/cl$n.json"
  diff -q "$TMP/out" "$TMP/cl1.txt" >/dev/null && echo "ok   classify_np$n: the same output" || fail "classify_np$n: output"
  close "classify_np$n json" "$TMP/cl1.json" "$TMP/cl$n.json" 0
done

# global: the label demo's reports and records; the same global.json, page and pictures.
bash "$ROOT/tools/demo_labels.sh" "$INX" "$TMP/demo" >/dev/null 2>&1 || fail "tools/demo_labels.sh"
DEMO=$ROOT/data/labels/demo
GL=(global --reports "$TMP"/demo/explain/class{0,1,2,3,4,5,6,7,8,9} --labels "$DEMO/labels.json"
    --embeddings "$DEMO/embeddings.npy" --vocab "$DEMO/vocab.txt" --quiet)
for n in 2 4; do
  expect_ok "global_np$n" run_np "$n" "${GL[@]}" --out "$TMP/gl$n"
  close "global_np$n global.json" "$TMP/demo/global/global.json" "$TMP/gl$n/global.json" 0
  same_files "global_np$n files" "$TMP/demo/global" "$TMP/gl$n" bytes
done

# Fewer images than ranks: the ranks without one take part with empty steps.
expect_ok explain_one_image "$INX" explain --image "$SAMPLES/chelsea.png" --quiet --out "$TMP/few1"
expect_ok explain_one_image_np3 run_np 3 explain --image "$SAMPLES/chelsea.png" --quiet --out "$TMP/few3"
close "explain_one_image_np3 report.json" "$TMP/few1/report.json" "$TMP/few3/report.json" 0
expect_ok evaluate_one_image "$INX" evaluate --image "$SAMPLES/chelsea.png" --method gradcam,random --quiet \
  --out "$TMP/fewe1"
expect_ok evaluate_one_image_np3 run_np 3 evaluate --image "$SAMPLES/chelsea.png" --method gradcam,random --quiet \
  --out "$TMP/fewe3"
close "evaluate_one_image_np3 metrics.json" "$TMP/fewe1/metrics.json" "$TMP/fewe3/metrics.json" 0

# A bad image in the last rank's share: the run stops on every rank with that rank's one line, nothing is left in
# the output folder, and mpirun's exit status is non-zero.
mkdir -p "$TMP/badimg"
cp "$SAMPLES"/fmnist_000*.png "$TMP/badimg/"
head -c 300 "$SAMPLES/fmnist_0009_sneaker.png" >"$TMP/badimg/fmnist_0009_truncated.png"
expect_bad explain_bad_image_np4 'fmnist_0009_truncated.png.*cannot decode the PNG' \
  run_np 4 explain --image "$TMP/badimg" --batch 1 --quiet --out "$TMP/bad"
expect_bad evaluate_bad_image_np2 'fmnist_0009_truncated.png.*cannot decode the PNG' \
  run_np 2 evaluate --image "$TMP/badimg" --method gradcam --metrics ad --quiet --out "$TMP/bad"
expect_bad classify_bad_image_np2 'fmnist_0009_truncated.png.*cannot decode the PNG' \
  run_np 2 classify --model fmnist --image "$SAMPLES/chelsea.png" --image "$TMP/badimg/fmnist_0009_truncated.png" \
  --json "$TMP/bad/c.json"
# A bad flag fails on every rank at once: still one line.
expect_bad explain_bad_flag_np2 '^inx: --alpha: expected 0 to 1, got 7$' \
  run_np 2 explain --image "$SAMPLES" --alpha 7 --out "$TMP/bad"
expect_bad explain_parse_error_np2 'not expected: --bogus' run_np 2 explain --bogus --out "$TMP/bad"
finish mpi.sh
