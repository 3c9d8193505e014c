// The metrics part in one include: faithfulness metrics (deletion, insertion, AD, IC, AG), the sanity check, and
// the baselines they are compared with.
#pragma once

#include "inx/metrics/baselines.hpp"
#include "inx/metrics/confidence.hpp"
#include "inx/metrics/deletion.hpp"
#include "inx/metrics/metric.hpp"
#include "inx/metrics/probe.hpp"
#include "inx/metrics/sanity.hpp"
#include "inx/metrics/similarity.hpp"
