/* Full-text search over the prebuilt, term-partitioned index (see edition/search.py).

   window.edition.search(query, {sort, from, to, publication, section, column, kind, limit, offset, onProgress})
     → Promise<{total, results: [{url, title, date, publication, page, snippet, highlights}]}>

   Index files are scripts that call edition._load(key, data), so they load from file:// too.
   A query loads the directory entries of its tokens, then month by month (newest first)
   only the buckets holding those tokens, ANDs the postings, and checks every shown result
   against the article text, which also gives the snippet. */
(function () {
  "use strict";
  var edition = (window.edition = window.edition || {});
  var tok = edition.tokenizer;
  var here = document.currentScript.src;
  var root = here.slice(0, here.lastIndexOf("assets/search/"));
  var cache = Object.create(null);
  var waiting = Object.create(null);
  var indexes = Object.create(null);

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

  function lunrIndex(key) {
    if (!(key in indexes)) indexes[key] = cache[key] ? lunr.Index.load(cache[key]) : null;
    return indexes[key];
  }

  function months(encoded) {
    var out = new Set();
    (encoded || "").split(",").forEach(function (part) {
      if (!part) return;
      var ends = part.split("-").map(function (x) { return parseInt(x, 36); });
      for (var m = ends[0]; m <= ends[ends.length - 1]; m++) out.add(m);
    });
    return out;
  }

  function monthOf(iso) {
    return Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
  }

  function termQuery(index, term, fields) {
    var found = new Map();
    var clause = { usePipeline: false };
    if (fields) clause.fields = fields;
    index.query(function (q) { q.term(term, clause); }).forEach(function (r) { found.set(r.ref, r.score); });
    return found;
  }

  /* Candidates of one month: every token and filter must match (AND); title words add rank. */
  function searchMonth(seg, terms, words, range) {
    var key = seg[1];
    var sizes = { b: seg[3], u: seg[4] };
    var bucket = function (term) {
      var b = tok.bucketOf(term);
      return "s/" + key + "/" + b[0] + (tok.hash(b[1]) % sizes[b[0]]);
    };
    var files = Array.from(new Set(terms.map(bucket)));
    var days = range && needsDays(seg, range) ? load("s/" + key + "/days") : null;
    return Promise.all(files.map(load).concat(days ? [days] : [])).then(function () {
      var scores = null;
      for (var i = 0; i < terms.length; i++) {
        var index = lunrIndex(bucket(terms[i]));
        var found = index ? termQuery(index, terms[i]) : new Map();
        if (scores) {
          scores.forEach(function (score, ref) {
            if (found.has(ref)) scores.set(ref, score + found.get(ref));
            else scores.delete(ref);
          });
        } else scores = found;
        if (!scores.size) return [];
      }
      words.forEach(function (word) {
        var index = lunrIndex(bucket(word));
        if (!index) return;
        termQuery(index, word, ["t"]).forEach(function (score, ref) {
          if (scores.has(ref)) scores.set(ref, scores.get(ref) + score);
        });
      });
      var limits = days ? refRange(cache["s/" + key + "/days"], range) : null;
      var out = [];
      scores.forEach(function (score, ref) {
        var n = parseInt(ref, 36);
        if (limits && (n < limits[0] || n >= limits[1])) return;
        out.push({ month: seg[0], key: key, ref: ref, n: n, score: score });
      });
      return out;
    });
  }

  function needsDays(seg, range) {
    return (range.from && monthOf(range.from) === seg[0]) || (range.to && monthOf(range.to) === seg[0]);
  }

  /* [first, end) document numbers of a month that fall within the date range. */
  function refRange(days, range) {
    var first = Infinity, end = 0;
    days.forEach(function (day, i) {
      if ((range.from && day[0] < range.from) || (range.to && day[0] > range.to)) return;
      first = Math.min(first, day[1]);
      end = i + 1 < days.length ? days[i + 1][1] : Infinity;
    });
    return first === Infinity ? [0, 0] : [first, end];
  }

  var ORDER = {
    relevance: function (a, b) { return b.score - a.score || b.month - a.month || b.n - a.n; },
    newest: function (a, b) { return b.month - a.month || b.n - a.n; },
    oldest: function (a, b) { return a.month - b.month || a.n - b.n; }
  };

  /* Normalize text character by character, remembering where each piece came from. */
  function mapped(text) {
    var out = "", map = [], i = 0;
    for (var ch of text) {
      var n = ch.normalize("NFKC").toLowerCase();
      for (var j = 0; j < n.length; j++) map.push(i);
      out += n;
      i += ch.length;
    }
    map.push(i);
    return { text: out, map: map };
  }

  var BEFORE = 30, AFTER = 90;

  /* The result if the article really contains every needle, else null. */
  function verify(doc, needles) {
    var whole = mapped([doc.t, doc.k, doc.s, doc.x].join("\n"));
    for (var i = 0; i < needles.length; i++) if (whole.text.indexOf(needles[i]) < 0) return null;
    var body = mapped(doc.x);
    var hit = -1;
    needles.forEach(function (needle) {
      var at = body.text.indexOf(needle);
      if (at >= 0 && (hit < 0 || at < hit)) hit = at;
    });
    var start = hit < 0 ? 0 : Math.max(0, body.map[hit] - BEFORE);
    var end = Math.min(doc.x.length, (hit < 0 ? 0 : body.map[hit]) + AFTER);
    var highlights = [];
    needles.forEach(function (needle) {
      for (var at = body.text.indexOf(needle); at >= 0; at = body.text.indexOf(needle, at + 1)) {
        var from = body.map[at], to = body.map[at + needle.length];
        if (from >= start && to <= end) highlights.push([from - start, to - start]);
      }
    });
    highlights.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    highlights.forEach(function (h) {
      var last = merged[merged.length - 1];
      if (last && h[0] <= last[1]) last[1] = Math.max(last[1], h[1]);
      else merged.push(h.slice());
    });
    return {
      url: doc.u, title: doc.t, kicker: doc.k, subtitle: doc.s, date: doc.d, publication: doc.p, page: doc.g,
      snippet: (start > 0 ? "…" : "") + doc.x.slice(start, end) + (end < doc.x.length ? "…" : ""),
      highlights: merged.map(function (h) { return start > 0 ? [h[0] + 1, h[1] + 1] : h; })
    };
  }

  /* Verify candidates in order until the requested page is full. */
  function page(state, offset, limit) {
    var shown = [];
    var i = 0;
    function next() {
      while (i < state.candidates.length && shown.length < offset + limit) {
        var c = state.candidates[i];
        if (c.result === undefined) {
          return load("t/" + c.key + "/" + c.ref).then(function (doc) {
            c.result = verify(doc, state.needles);
            if (!c.result) state.rejected++;
            return next();
          });
        }
        if (c.result) shown.push(c.result);
        i++;
      }
      return Promise.resolve({
        total: state.candidates.length - state.rejected,
        results: shown.slice(offset, offset + limit)
      });
    }
    return next();
  }

  /* A long phrase has many bigrams; a few spread over it find the same articles
     (verification against the text keeps results exact) at a fraction of the download. */
  var MAX_TERMS = 4;

  function spread(tokens, most) {
    if (tokens.length <= most) return tokens;
    var picked = [];
    for (var i = 0; i < most; i++) picked.push(tokens[Math.round(i * (tokens.length - 1) / (most - 1))]);
    return picked;
  }

  function search(query, options) {
    var opts = options || {};
    var limit = opts.limit || 10, offset = opts.offset || 0;
    var order = ORDER[opts.sort] || ORDER.relevance;
    var tokens = spread(tok.queryTokens(query || ""), MAX_TERMS);
    if (!tokens.length) return Promise.resolve({ total: 0, results: [] });
    var filters = [];
    if (opts.publication) filters.push("p:" + opts.publication);
    if (opts.kind) filters.push("k:" + opts.kind);
    if (opts.section) filters.push("s:" + tok.normalize(opts.section));
    if (opts.column) filters.push("c:" + tok.normalize(opts.column));
    var terms = tokens.concat(filters);
    var state = { needles: tok.needles(query), candidates: [], rejected: 0 };
    var words = state.needles.filter(function (n) { return Array.from(n).length > 2; });
    var range = opts.from || opts.to ? { from: opts.from || "", to: opts.to || "" } : null;
    return load("meta").then(function (meta) {
      return Promise.all(terms.map(function (t) { return load("d/" + (tok.hash(t) % meta.d)); })).then(function (dirs) {
        var common = null;
        terms.forEach(function (t, i) {
          var set = months(dirs[i][t]);
          common = common ? new Set(Array.from(common).filter(function (m) { return set.has(m); })) : set;
        });
        var segs = meta.segs.filter(function (s) {
          return common.has(s[0]) && !(range && ((range.from && s[0] < monthOf(range.from)) ||
                                                 (range.to && s[0] > monthOf(range.to))));
        });
        segs.sort(opts.sort === "oldest" ? function (a, b) { return a[0] - b[0]; } : function (a, b) { return b[0] - a[0]; });
        var done = Promise.resolve();
        segs.forEach(function (seg) {
          done = done.then(function () {
            return searchMonth(seg, terms, words, range).then(function (found) {
              if (!found.length) return;
              state.candidates = state.candidates.concat(found).sort(order);
              if (opts.onProgress) return page(state, offset, limit).then(opts.onProgress);
            });
          });
        });
        return done.then(function () { return page(state, offset, limit); });
      });
    });
  }

  edition.search = search;
  /* Publications, 版名, 栏目 and kinds present in the index, for filter menus. */
  edition.searchMeta = function () { return load("meta"); };
})();
