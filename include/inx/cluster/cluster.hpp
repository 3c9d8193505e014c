// Clustering of feature maps (rows of a float matrix): every policy, preprocessing step, embedding and metric.
#pragma once

#include "inx/cluster/clustering.hpp"
#include "inx/cluster/correlation.hpp"
#include "inx/cluster/dbscan.hpp"
#include "inx/cluster/distance.hpp"
#include "inx/cluster/eigen.hpp"
#include "inx/cluster/kmeans.hpp"
#include "inx/cluster/linkage.hpp"
#include "inx/cluster/metrics.hpp"
#include "inx/cluster/paper.hpp"
#include "inx/cluster/pca.hpp"
#include "inx/cluster/preprocess.hpp"
#include "inx/cluster/silhouette.hpp"
#include "inx/cluster/tsne.hpp"
#include "inx/cluster/union_find.hpp"
#include "inx/cluster/ward.hpp"
