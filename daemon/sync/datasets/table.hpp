#pragma once
// The one table of datasets, beside the table of source types (sources/registry.hpp):
// each dataset names the strategy that runs it. Adding a dataset adds a row here and
// a file beside this one; the run skeleton (sync/runner.hpp) does not change.

#include <span>

#include "model/dataset.hpp"
#include "sync/dataset_run.hpp"

namespace rosterd::sync {

struct DatasetType {
  model::Dataset dataset;
  DatasetRunFactory start;
};

std::span<const DatasetType> dataset_types();
// The row of `dataset` in `types`; nullptr when it has none.
const DatasetType* find_dataset_type(std::span<const DatasetType> types, const model::Dataset& dataset);

}  // namespace rosterd::sync
