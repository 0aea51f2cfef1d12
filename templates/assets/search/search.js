/* Full-text search over the prebuilt index (format 3, see edition/search.py).

   window.edition.search(query, {scope, sort, from, to, publication, section, column, kind, limit, offset,
                                 onProgress})
     → Promise<{total, exact, done, results: [{url, title, kicker, subtitle, date, publication, page, draft,
                                              bylines, column, snippet, highlights, score}]}>

   The query language: spaces mean AND; -词 excludes; "…" is an exact phrase, spaces included;
   标题: / 作者: / 栏目: (title: / author: / column:) set the scope of the rest of the query; any
   other punctuation separates, and lunr's own syntax (^2, ~1, +, *) means nothing here.

   Index files are scripts that call edition._load(key, data), so they load from file:// too.
   A query loads, segment by segment (newest first), the buckets holding its tokens and ANDs
   their postings; where documents are left, it loads the segment's length table, builds a
   lunr.Index of just those terms with the BM25 weights lunr's Builder would compute, lets lunr
   score each token, and checks the results it shows against their text, which also gives the
   snippet. */
(function () {
  "use strict";
  var edition = (window.edition = window.edition || {});
  var tok = edition.tokenizer;
  var here = document.currentScript.src;
  var root = here.slice(0, here.lastIndexOf("assets/search/"));
  var cache = Object.create(null);
  var waiting = Object.create(null);
  var own = Function.prototype.call.bind(Object.prototype.hasOwnProperty);  // user strings never reach a prototype

  edition._load = function (key, data) {
    cache[key] = data;
    if (waiting[key]) {
      waiting[key].resolve(data);
      delete waiting[key];
    }
  };

  function load(key) {
    if (key in cache) return Promise.resolve(cache[key]);
    if (waiting[key]) return waiting[key].promise;
    var entry = {};
    entry.promise = new Promise(function (resolve, reject) {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    waiting[key] = entry;
    var el = document.createElement("script");
    el.src = root + "search/" + key + ".js";
    el.onload = function () {
      el.remove();
      if (waiting[key]) entry.reject(new Error("search file did not register: " + key));
    };
    el.onerror = function () {
      el.remove();
      delete waiting[key];
      entry.reject(new Error("cannot load search file " + key));
    };
    document.head.appendChild(el);
    return entry.promise;
  }

  /* ---- the postings codec (edition/search.py encode_numbers, encode_postings) ---- */

  var VALUE = Object.create(null);
  "0123456789abcdefghijklmnopqrstuv".split("").forEach(function (c, i) { VALUE[c] = i; });
  "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_".split("").forEach(function (c, i) { VALUE[c] = i + 32; });

  function numbers(text) {
    var out = [], n = 0;
    for (var i = 0; i < text.length; i++) {
      var v = VALUE[text[i]];
      if (v < 32) { out.push(n * 32 + v); n = 0; } else n = n * 32 + v - 32;
    }
    return out;
  }

  /* [documents, frequencies] of one field's postings */
  function postings(text) {
    var values = numbers(text), docs = [], tfs = [], last = -1;
    for (var i = 0; i < values.length; i++) {
      var doc = last + 1 + (values[i] >> 1);
      docs.push(doc);
      tfs.push(values[i] & 1 ? values[++i] + 2 : 1);
      last = doc;
    }
    return [docs, tfs];
  }

  var FIELD_OF = { "^": "t", "!": "b", "@": "a", "$": "c" };

  /* ---- the query ---- */

  var SCOPES = {
    all: ["t", "b", "a", "c"], title: ["t"], author: ["a"], column: ["c"]
  };
  var SCOPE_WORDS = {
    "标题": "title", "作者": "author", "栏目": "column", "全文": "all",
    "title": "title", "author": "author", "column": "column", "all": "all"
  };

  function squeeze(text) { return tok.normalize(text).replace(/\s+/g, " ").trim(); }

  /* Clauses of a query: {scope, text (as typed), needles (what the text must contain), tokens
     (what the postings must have), phrase, exclude}. Malformed input gets the nearest reading:
     an unclosed quote runs to the end, a lone - is nothing. */
  function parse(query, scope) {
    var clauses = [];
    var text = String(query || "").replace(/(\S)[\^~]\d+(?=\s|$)/g, "$1");  // lunr's boost and fuzziness
    var pattern = /(-?)"([^"]*)"?|(\S+)/g, m;
    while ((m = pattern.exec(text))) {
      var exclude = false, phrase = m[2] !== undefined, word = phrase ? m[2] : m[3];
      if (phrase) exclude = m[1] === "-";
      else {
        var named = /^(标题|作者|栏目|全文|title|author|column|all)[:：](.*)$/i.exec(word);
        if (named) {
          scope = SCOPE_WORDS[named[1].toLowerCase()];
          word = named[2];
          if (!word) continue;
        }
        while (word[0] === "-") { exclude = true; word = word.slice(1); }
      }
      var needles = phrase ? [squeeze(word)].filter(Boolean) : tok.needles(word);
      if (!needles.length) continue;
      clauses.push({
        scope: scope, text: word, needles: needles, phrase: phrase, exclude: exclude,
        tokens: exclude ? [] : tok.queryTokens(word)
      });
    }
    return clauses;
  }

  /* Whether the postings decide a clause alone: each needle is one token (a word, one or two
     Han characters), and a single character is searched in every field. */
  function exactly(clause) {
    return clause.needles.every(function (n) {
      return tok.queryTokens(n).length === 1 && n.indexOf(" ") < 0 &&
        !(clause.scope !== "all" && Array.from(n).length === 1 && tok.isHan(n));
    });
  }

  /* ---- one segment ---- */

  function bucketName(seg, term) {
    var b = tok.bucketOf(term);
    return b[0] + (tok.hash(b[1]) % (b[0] === "b" ? seg[4] : seg[5]));
  }

  /* The segment's postings of these terms: {term: {field: [docs, tfs]}} (and its days, for a range). */
  function segmentData(seg, terms, range) {
    var key = seg[0];
    var files = Array.from(new Set(terms.map(function (t) { return "s/" + key + "/" + bucketName(seg, t); })));
    var wanted = range ? files.concat(["s/" + key + "/days"]) : files;
    return Promise.all(wanted.map(load)).then(function (loaded) {
      var found = Object.create(null);
      terms.forEach(function (term) {
        var bucket = cache["s/" + key + "/" + bucketName(seg, term)];
        if (!own(bucket, term)) return;
        var entry = bucket[term];
        found[term] = {};
        var parts = entry.split(/([\^!@$])/);  // "!0a3^0": each field's postings after its mark
        for (var i = 1; i < parts.length; i += 2) found[term][FIELD_OF[parts[i]]] = postings(parts[i + 1]);
      });
      return { postings: found, days: range ? loaded[files.length] : null };
    });
  }

  /* The segment's field lengths, which scoring needs: loaded only where there are candidates. */
  function lengthsOf(seg) {
    return load("s/" + seg[0] + "/len").then(function (table) {
      var lengths = {};
      Object.keys(table).forEach(function (field) { lengths[field] = numbers(table[field]); });
      return lengths;
    });
  }

  /* A lunr.Index of these terms only, weighted exactly as lunr's Builder weighs a whole index. */
  function lunrIndex(meta, seg, data) {
    var count = seg[3], fields = meta.fields;
    var average = {};
    fields.forEach(function (f) {
      var sum = 0;
      (data.lengths[f] || []).forEach(function (n) { sum += n; });
      average[f] = sum / count;
    });
    var terms = Object.keys(data.postings).sort();
    var invertedIndex = Object.create(null), vectors = Object.create(null);
    terms.forEach(function (term, i) {
      var posting = { _index: i };
      fields.forEach(function (f) {
        posting[f] = {};
        var p = data.postings[term][f];
        if (p) p[0].forEach(function (doc) { posting[f][doc] = {}; });
      });
      invertedIndex[term] = posting;
      var idf = lunr.idf(posting, count);
      fields.forEach(function (f) {
        var p = data.postings[term][f];
        if (!p) return;
        for (var j = 0; j < p[0].length; j++) {
          var doc = p[0][j], tf = p[1][j], length = data.lengths[f][doc];
          var score = idf * ((meta.k1 + 1) * tf) /
            (meta.k1 * (1 - meta.b + meta.b * (length / average[f])) + tf);
          score *= meta.boosts[f];
          var ref = f + "/" + doc;
          (vectors[ref] = vectors[ref] || []).push(i, Math.round(score * 1000) / 1000);
        }
      });
    });
    var fieldVectors = {};
    Object.keys(vectors).forEach(function (ref) { fieldVectors[ref] = new lunr.Vector(vectors[ref]); });
    return new lunr.Index({
      invertedIndex: invertedIndex, fieldVectors: fieldVectors, tokenSet: lunr.TokenSet.fromArray(terms),
      fields: fields, pipeline: new lunr.Pipeline()
    });
  }

  function docsWith(data, term, fields) {
    var out = new Set(), p = data.postings[term];
    if (p) fields.forEach(function (f) { if (p[f]) p[f][0].forEach(function (d) { out.add(d); }); });
    return out;
  }

  /* Candidates of one segment, scored: every token of every positive clause (and every filter)
     must be there; lunr scores each token over the clause's fields, and the scores add up. */
  function fieldsFor(token, scope) {
    // a single Han character is indexed once per article, in the body, from every field
    return Array.from(token).length === 1 && tok.isHan(token) ? ["b"] : SCOPES[scope];
  }

  function searchSegment(meta, seg, clauses, filters, range) {
    var wanted = Object.create(null);
    clauses.forEach(function (c) {
      (c.exclude ? (exactly(c) ? c.needles : []) : c.tokens).forEach(function (t) { wanted[t] = 1; });
    });
    filters.forEach(function (t) { wanted[t] = 1; });
    var terms = Object.keys(wanted);
    return segmentData(seg, terms, range).then(function (data) {
      var candidates = null;
      function and(set) {
        if (candidates === null) candidates = set;
        else candidates.forEach(function (d) { if (!set.has(d)) candidates.delete(d); });
      }
      clauses.forEach(function (c) {
        if (!c.exclude) c.tokens.forEach(function (t) { and(docsWith(data, t, fieldsFor(t, c.scope))); });
      });
      filters.forEach(function (t) { and(docsWith(data, t, ["b"])); });
      if (!candidates || !candidates.size) return [];
      clauses.forEach(function (c) {  // an exclusion the postings decide: drop what has all its tokens
        if (!c.exclude || !exactly(c)) return;
        var having = null;
        c.needles.forEach(function (t) {
          var set = docsWith(data, t, fieldsFor(t, c.scope));
          having = having ? new Set(Array.from(having).filter(function (d) { return set.has(d); })) : set;
        });
        having.forEach(function (d) { candidates.delete(d); });
      });
      var limits = data.days ? refRange(data.days, range) : null;
      if (limits) candidates.forEach(function (doc) { if (doc < limits[0] || doc >= limits[1]) candidates.delete(doc); });
      if (!candidates.size) return [];
      return lengthsOf(seg).then(function (lengths) {
        data.lengths = lengths;
        return scored(meta, seg, clauses, data, candidates);
      });
    });
  }

  /* The candidates with their scores: lunr scores each token over the clause's fields, and the scores add up. */
  function scored(meta, seg, clauses, data, candidates) {
    var index = lunrIndex(meta, seg, data);
    var scores = new Map();
    clauses.forEach(function (c) {
      if (!c.exclude) c.tokens.forEach(function (t) {
        index.query(function (q) { q.term(t, { fields: fieldsFor(t, c.scope), usePipeline: false }); }).forEach(function (r) {
          var doc = Number(r.ref);
          if (candidates.has(doc)) scores.set(doc, (scores.get(doc) || 0) + r.score);
        });
      });
    });
    var out = [];
    candidates.forEach(function (doc) {
      out.push({ key: seg[0], order: seg[1], doc: doc, score: scores.get(doc) || 0 });
    });
    return out;
  }

  /* [first, end) documents of a segment that fall within the date range. */
  function refRange(days, range) {
    var first = Infinity, end = 0;
    days.forEach(function (day, i) {
      if ((range.from && day[0] < range.from) || (range.to && day[0] > range.to)) return;
      first = Math.min(first, day[1]);
      end = i + 1 < days.length ? days[i + 1][1] : Infinity;
    });
    return first === Infinity ? [0, 0] : [first, end];
  }

  var ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

  function monthOf(iso) {
    return Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
  }

  var ORDER = {
    relevance: function (a, b) { return b.score - a.score || b.order - a.order || b.doc - a.doc; },
    newest: function (a, b) { return b.order - a.order || b.doc - a.doc; },
    oldest: function (a, b) { return a.order - b.order || a.doc - b.doc; }
  };

  /* ---- checking a result against its text ---- */

  function scopeText(row, scope) {  // row: [url, title, kicker, subtitle, date, publication, 版面, bylines, 栏目, text]
    var parts = { title: [row[2], row[1], row[3]], author: [row[7]], column: [row[8]] }[scope] ||
      [row[2], row[1], row[3], row[7], row[8], row[9]];
    return squeeze(parts.join("\n"));
  }

  var BEFORE = 30, AFTER = 90;

  /* The result if the article meets every clause, else null. */
  function verify(row, clauses) {
    var texts = Object.create(null);
    for (var i = 0; i < clauses.length; i++) {
      var c = clauses[i];
      var text = texts[c.scope] = texts[c.scope] || scopeText(row, c.scope);
      var has = c.needles.every(function (n) { return text.indexOf(n) >= 0; });
      if (has === c.exclude) return null;
    }
    var needles = [];
    clauses.forEach(function (c) { if (!c.exclude) needles.push.apply(needles, c.needles); });
    var shown = tok.snippet(row[9], needles, BEFORE, AFTER), start = shown.start, end = shown.end;
    return {
      url: row[0], title: row[1], kicker: row[2], subtitle: row[3], date: row[4], publication: row[5],
      page: row[6], bylines: row[7], column: row[8], draft: row[10] === 1,
      snippet: (start > 0 ? "…" : "") + row[9].slice(start, end) + (end < row[9].length ? "…" : ""),
      highlights: shown.highlights.map(function (h) { return start > 0 ? [h[0] + 1, h[1] + 1] : h; })
    };
  }

  function textOf(meta, c) {
    var pack = Math.floor(c.doc / meta.texts);
    return load("x/" + c.key + "/" + pack).then(function (rows) { return rows[c.doc - pack * meta.texts]; });
  }

  /* ---- the search ---- */

  /* Sorted lists (one per segment) read as one, in order, without sorting them together. */
  function Merged(order) {
    this.lists = [];
    this.order = order;
    this.taken = [];  // the items read so far, in order
    this.size = 0;
  }
  Merged.prototype.add = function (list) {
    list.sort(this.order);
    this.lists.push({ items: list, at: 0 });
    this.size += list.length;
    this.taken = [];  // items read before a new list came may not come first any more
    this.lists.forEach(function (l) { l.at = 0; });
  };
  Merged.prototype.get = function (i) {
    while (this.taken.length <= i) {
      var best = null;
      for (var k = 0; k < this.lists.length; k++) {
        var l = this.lists[k];
        if (l.at < l.items.length && (!best || this.order(l.items[l.at], best.items[best.at]) < 0)) best = l;
      }
      if (!best) return undefined;
      this.taken.push(best.items[best.at++]);
    }
    return this.taken[i];
  };

  function search(query, options) {
    var opts = options || {};
    var limit = opts.limit || 10, offset = opts.offset || 0;
    var undated = [opts.from, opts.to].filter(function (day) { return day && !ISO_DATE.test(day); });
    if (undated.length) return Promise.reject(new RangeError("not a date (YYYY-MM-DD): " + undated[0]));
    var sort = own(ORDER, opts.sort) ? opts.sort : "relevance";
    var clauses = parse(query, own(SCOPES, opts.scope) ? opts.scope : "all");
    if (!clauses.some(function (c) { return !c.exclude && c.tokens.length; })) {
      return Promise.resolve({ total: 0, exact: true, done: true, results: [] });
    }
    clauses = clauses.filter(function (c) { return c.exclude || c.tokens.length; });
    var filters = [];
    if (opts.publication) filters.push("p:" + opts.publication);
    if (opts.kind) filters.push("k:" + opts.kind);
    if (opts.section) filters.push("s:" + tok.normalize(opts.section));
    if (opts.column) filters.push("c:" + tok.normalize(opts.column));
    var range = opts.from || opts.to ? { from: opts.from || "", to: opts.to || "" } : null;
    var decided = clauses.every(exactly);  // then every candidate is a result: the count is exact at once
    var candidates = new Merged(ORDER[sort]);
    var rejected = 0, wanted = offset + limit;

    return load("meta").then(function (meta) {
      var segs = meta.segs.filter(function (s) {
        return !(range && ((range.from && s[2] < monthOf(range.from)) || (range.to && s[1] > monthOf(range.to))));
      });
      segs.sort(sort === "oldest" ? function (a, b) { return a[1] - b[1]; } : function (a, b) { return b[1] - a[1]; });

      /* Check candidates in order until the page is full, or all of them (to count exactly). */
      function fill(all) {
        var shown = [], i = 0;
        function next() {
          for (var c = candidates.get(i); c && (all || shown.length < wanted); c = candidates.get(++i)) {
            if (c.result === undefined) {
              return textOf(meta, c).then(function (row) {
                var item = candidates.get(i);
                item.result = verify(row, clauses);
                if (item.result) item.result.score = item.score;
                else rejected++;
                return next();
              });
            }
            if (c.result) shown.push(c.result);
          }
          return Promise.resolve({
            total: candidates.size - rejected,
            exact: decided || all || candidates.get(i) === undefined,
            results: shown.slice(offset, offset + limit)
          });
        }
        return next();
      }

      var searched = 0;
      function step() {  // the next segment, then the page as far as it is known
        if (searched >= segs.length) return Promise.resolve(null);
        var seg = segs[searched++];
        return searchSegment(meta, seg, clauses, filters, range).then(function (found) {
          if (found.length) candidates.add(found);
          return fill(false);
        });
      }

      function run() {
        return step().then(function (page) {
          if (!page) return fill(false).then(function (last) { return finish(last, false); });
          // newest or oldest first: once the page is full and checked, the older segments cannot change it
          if (sort !== "relevance" && page.results.length >= limit && searched < segs.length) {
            return finish(page, true);
          }
          if (opts.onProgress && page.results.length) opts.onProgress(Object.assign({ done: false }, page));
          return run();
        });
      }

      /* The page is given; if its total is not exact yet, the exact one follows (onTotal) once the
         rest of the segments are searched and, where the postings cannot decide, every candidate checked. */
      function finish(page, early) {
        page.exact = page.exact && !early;
        if (!page.exact && opts.onTotal) {
          (function rest() { return step().then(function (more) { return more ? rest() : null; }); })()
            .then(function () { return fill(!decided); })
            .then(function (all) { opts.onTotal({ total: all.total, exact: true }); });
        }
        return page;
      }

      return run().then(function (page) {
        page.done = true;
        return page;
      });
    });
  }

  edition.search = search;
  edition.parseQuery = parse;
  /* Publications, 版名, 栏目 and kinds present in the index, for filter menus. */
  edition.searchMeta = function () { return load("meta"); };
})();
