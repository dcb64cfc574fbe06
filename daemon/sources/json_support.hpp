#pragma once
// Helpers shared by the vendor parsers (<vendor>_json.cpp). They are strict:
// every value is checked, and anything that is not the documented shape is an
// error rather than a skipped field (docs/reliability.md: a tolerant loop turns a
// truncated page into a shorter listing, which later looks like removals).
//
//   json_document.hpp  a response body: JsonBody, JsonDocumentParser, text before the document
//   json_errors.hpp    naming what is wrong without quoting it: paths, type names, excerpts
//   json_values.hpp    one value: objects, arrays, ids, scalars, flags; duplicate keys
//   json_record.hpp    one record: FieldFilter, canonical attribute JSON, RecordReader

#include "sources/json_document.hpp"
#include "sources/json_errors.hpp"
#include "sources/json_record.hpp"
#include "sources/json_values.hpp"
