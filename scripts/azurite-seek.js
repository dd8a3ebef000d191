// Preloaded into Azurite (node -r) by scripts/azurite.sh. Azurite answers every table query by running
// its filter over every entity of the table and sorting all the matches (LokiTableMetadataStore
// .queryTableEntities), so a 50-row page costs as much as the table is large. Azure Table Storage seeks
// to the key range instead, and the CRM's design (ADR 0002) counts on that. This shim gives Azurite the
// same seek: each table collection gets one more sorted index, on PartitionKey + RowKey, and a query
// whose filter pins the partition (PartitionKey eq '…', joined only by "and") walks that index from the
// first possible key, stopping at the range's end or once the page is full. Every candidate still goes
// through Azurite's own filter and continuation checks, so the answer is the same; any other query
// runs Azurite's code unchanged.
//
// CRM_AZURITE_SEEK=off turns the shim off; CRM_AZURITE_SEEK=verify runs both for every query and stops
// Azurite on the first difference (used to check the shim against the whole test suite).
"use strict";

const mode = (process.env.CRM_AZURITE_SEEK || "on").toLowerCase();
if (mode !== "off") {
  const path = require("path");
  const dist = path.join(__dirname, "..", "node_modules", "azurite", "dist", "src", "table", "persistence");
  const Store = require(path.join(dist, "LokiTableMetadataStore.js")).default;
  const Generator = require(path.join(dist, "LokiTableStoreQueryGenerator.js")).default;

  const KEY = "__crmSeekKey";
  // Control characters cannot occur in Azure keys, so they separate the partition from the row key
  // and mark the end of a partition without colliding with any key.
  const key = (partition, row) => partition + "\u0000" + row;
  const partitionEnd = (partition) => partition + "\u0001";

  const setKey = (doc) => {
    if (doc && typeof doc.PartitionKey === "string" && typeof doc.RowKey === "string") {
      const value = key(doc.PartitionKey, doc.RowKey);
      if (doc[KEY] !== value) {
        doc[KEY] = value;
      }
    }
  };

  const prepare = (collection) => {
    if (collection.crmSeek) {
      return;
    }
    collection.on("pre-insert", (docs) => (Array.isArray(docs) ? docs.forEach(setKey) : setKey(docs)));
    collection.on("pre-update", setKey);
    collection.data.forEach(setKey);
    collection.ensureIndex(KEY, true);
    collection.crmSeek = true;
  };

  const getEntityCollection = Store.prototype.getEntityCollection;
  Store.prototype.getEntityCollection = function (...args) {
    const collection = getEntityCollection.apply(this, args);
    prepare(collection);
    return collection;
  };

  // The filter's tokens: quoted literals ('' escapes a quote), parentheses, and words.
  const tokens = (filter) => {
    const out = [];
    let i = 0;
    while (i < filter.length) {
      const c = filter[i];
      if (/\s/.test(c)) {
        i++;
      } else if (c === "(" || c === ")") {
        out.push({ word: c });
        i++;
      } else if (c === "'") {
        let value = "";
        i++;
        for (;;) {
          if (i >= filter.length) {
            return null;
          }
          if (filter[i] === "'") {
            if (filter[i + 1] === "'") {
              value += "'";
              i += 2;
              continue;
            }
            i++;
            break;
          }
          value += filter[i++];
        }
        out.push({ literal: value });
      } else {
        let word = "";
        while (i < filter.length && !/[\s()']/.test(filter[i])) {
          word += filter[i++];
        }
        // A typed literal (datetime'…', guid'…', X'…') is not a plain string: not used for bounds.
        if (filter[i] === "'") {
          return null;
        }
        out.push({ word });
      }
    }
    return out;
  };

  // The key range a filter confines its matches to, or null when it does not pin one partition with
  // conditions that every match must meet (an "or" or a "not" anywhere makes no condition certain).
  const range = (filter) => {
    const list = filter ? tokens(filter) : null;
    if (!list || list.some((t) => t.word && /^(or|not)$/i.test(t.word))) {
      return null;
    }
    let partition;
    let low = "";
    let lowInclusive = true;
    let high;
    let highInclusive = false;
    for (let i = 0; i + 2 < list.length; i++) {
      const [name, op, value] = [list[i].word, (list[i + 1].word || "").toLowerCase(), list[i + 2].literal];
      if (value === undefined || (name !== "PartitionKey" && name !== "RowKey")) {
        continue;
      }
      if (name === "PartitionKey") {
        if (op === "eq") {
          partition = value;
        }
      } else if (op === "eq") {
        [low, lowInclusive, high, highInclusive] = [value, true, value, true];
      } else if ((op === "ge" || op === "gt") && value >= low) {
        [low, lowInclusive] = [value, op === "ge"];
      } else if ((op === "le" || op === "lt") && (high === undefined || value <= high)) {
        [high, highInclusive] = [value, op === "le"];
      }
    }
    if (partition === undefined) {
      return null;
    }
    return {
      partition,
      from: key(partition, low),
      fromInclusive: lowInclusive,
      to: high === undefined ? partitionEnd(partition) : key(partition, high),
      toInclusive: high !== undefined && highInclusive,
    };
  };

  // Azurite's continuation check, as queryTableEntities applies it.
  const afterContinuation = (nextPartition, nextRow) => (data) => {
    if (nextPartition !== undefined && data.PartitionKey > nextPartition) {
      return true;
    }
    if (nextRow !== undefined) {
      return data.RowKey >= nextRow && (data.PartitionKey === nextPartition || data.PartitionKey === undefined);
    }
    return !(nextPartition !== undefined && data.PartitionKey < nextPartition);
  };

  const seek = (collection, bounds, where, after, limit, nextPartition, nextRow) => {
    collection.ensureIndex(KEY);
    let from = bounds.from;
    let fromInclusive = bounds.fromInclusive;
    if (nextPartition !== undefined && nextRow !== undefined && nextPartition === bounds.partition) {
      const resume = key(nextPartition, nextRow);
      if (resume > from || (resume === from && !fromInclusive)) {
        [from, fromInclusive] = [resume, true];
      }
    }
    const data = collection.data;
    const positions = collection.binaryIndices[KEY].values;
    let lo = 0;
    let hi = positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const value = data[positions[mid]][KEY];
      if (value < from || (value === from && !fromInclusive)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    const result = [];
    for (let i = lo; i < positions.length && result.length < limit; i++) {
      const doc = data[positions[i]];
      const value = doc[KEY];
      if (value > bounds.to || (value === bounds.to && !bounds.toInclusive)) {
        break;
      }
      if (where(doc) && after(doc)) {
        result.push(doc);
      }
    }
    return result;
  };

  const same = (a, b) => a.length === b.length && a.every((doc, i) => doc === b[i]);

  const query = Store.prototype.queryTableEntities;
  Store.prototype.queryTableEntities = async function (context, account, table, queryOptions, nextPartitionKey, nextRowKey) {
    const bounds = range(queryOptions.filter);
    if (!bounds) {
      return query.apply(this, arguments);
    }
    const collection = this.getEntityCollection(account, table, context);
    const where = Generator.generateQueryForPersistenceLayer(queryOptions, context);
    const maxResults = this.getMaxResultsOption(queryOptions);
    const nextPartition = this.decodeContinuationHeader(nextPartitionKey);
    const nextRow = this.decodeContinuationHeader(nextRowKey);
    const result = seek(collection, bounds, where, afterContinuation(nextPartition, nextRow), maxResults + 1, nextPartition, nextRow);
    const response = this.adjustQueryResultforTop(result, maxResults);
    const answer = [result, response.nextPartitionKeyResponse, response.nextRowKeyResponse];
    if (mode === "verify") {
      const expected = await query.apply(this, arguments);
      if (!same(answer[0], expected[0]) || answer[1] !== expected[1] || answer[2] !== expected[2]) {
        console.error(`azurite-seek: a different answer for ${JSON.stringify(queryOptions.filter)}: ` +
          `${answer[0].length} rows against ${expected[0].length}`);
        process.exit(70);
      }
    }
    return answer;
  };
}
