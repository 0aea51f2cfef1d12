/* The search tokenizer, kept identical to edition/tokenizer.py (see tests/fixtures/tokenizer_cases.json
   and tests/fixtures/normalise.json).
   Han text becomes overlapping bigrams plus single characters, Latin letters and digits whole words.
   Strings are walked by code point (Array.from), so astral characters match the Python side.
   The Han ranges, the Greek accents and the case folds beyond lower case come from the build
   (assets/search/facts.js, made from edition/facts.py). */
(function (root) {
  "use strict";
  var facts = root.edition && root.edition.facts || {};
  var HAN_RANGES = facts.hanRanges;
  if (!HAN_RANGES || !facts.caseFolds) throw new Error("assets/search/facts.js must be loaded before tokenizer.js");
  var WORD = /^[\p{L}\p{N}]$/u;
  function codes(list) {
    return list.map(function (cp) { return "\\u{" + cp.toString(16) + "}"; }).join("");
  }
  function ranges(list) {
    return list.map(function (r) { return codes([r[0]]) + "-" + codes([r[1]]); }).join("");
  }
  var FOLDS = new Map(Object.entries(facts.caseFolds));
  var FOLDED = new RegExp("[" + codes(Array.from(FOLDS.keys(), function (c) { return c.codePointAt(0); })) + "]", "gu");
  var GREEK = new RegExp("[" + ranges(facts.greekRanges) + "]", "u");
  var GREEK_MARKED = new RegExp("([" + ranges(facts.greekRanges) + "])([\\u0300-\\u036f]+)", "gu");
  var ACCENT = new RegExp("[" + codes(facts.greekAccents) + "]", "gu");
  /* A character that belongs to the one before it: a mark, a Hangul vowel or final consonant. */
  var JOINS = /^[\p{M}\u1160-\u11ff\ud7b0-\ud7ff]/u;

  function isHan(ch) {
    var cp = ch.codePointAt(0);
    for (var i = 0; i < HAN_RANGES.length; i++) {
      if (cp >= HAN_RANGES[i][0] && cp <= HAN_RANGES[i][1]) return true;
    }
    return false;
  }

  function unaccented(all, letter, marks) { return letter + marks.replace(ACCENT, ""); }

  /* The form search compares, of a whole string: NFKC, case folding (lower case, then the folds
     beyond it), Greek without accents and breathings, NFKC again. */
  function normalize(text) {
    var folded = String(text).normalize("NFKC").toLowerCase().replace(FOLDED, function (c) { return FOLDS.get(c); });
    if (GREEK.test(folded)) folded = folded.normalize("NFD").replace(GREEK_MARKED, unaccented);
    return folded.normalize("NFKC");
  }

  /* Whether normalization cannot join this character to the one before it. */
  function startsCluster(ch, cp) {
    if (cp < 0x300 || (cp >= 0x4e00 && cp <= 0x9fff)) return true;
    return !JOINS.test(ch) && !JOINS.test(ch.normalize("NFKC"));
  }

  /* The normalized text, made cluster by cluster (a character and the marks that join it), so
     that each piece of it is known to come from text[from[k]] … text[to[k] - 1]; edge[i] says
     whether a cluster starts at text[i] (so a snippet cuts no character apart). */
  function mapped(text) {
    var out = [], from = [], to = [], edge = [], start = 0, length = 0;
    function flush(end) {
      if (end <= start) return;
      var piece = normalize(text.slice(start, end));
      out.push(piece);
      for (var j = 0; j < piece.length; j++) { from.push(start); to.push(end); }
      length += piece.length;
      start = end;
    }
    for (var i = 0; i < text.length;) {
      var cp = text.codePointAt(i), ch = String.fromCodePoint(cp);
      if (i === 0 || startsCluster(ch, cp)) { flush(i); edge[i] = true; }
      i += ch.length;
    }
    flush(text.length);
    edge[text.length] = true;
    return { text: out.join(""), from: from, to: to, edge: edge };
  }

  /* Where a result's text shows the needles (normalized): a window of about `before` characters
     before the first one and `after` from it, and the needles' places in the window (merged),
     all in code units of the text as it is. */
  function snippet(text, needles, before, after) {
    var body = mapped(text), hit = -1;
    needles.forEach(function (needle) {
      var at = needle ? body.text.indexOf(needle) : -1;
      if (at >= 0 && (hit < 0 || at < hit)) hit = at;
    });
    var first = hit < 0 ? 0 : body.from[hit];
    var start = Math.max(0, first - before), end = Math.min(text.length, first + after);
    while (!body.edge[start]) start--;
    while (!body.edge[end]) end--;
    var found = [];
    needles.forEach(function (needle) {
      if (!needle) return;
      for (var at = body.text.indexOf(needle); at >= 0; at = body.text.indexOf(needle, at + 1)) {
        var a = body.from[at], b = body.to[at + needle.length - 1];
        if (a >= start && b <= end) found.push([a - start, b - start]);
      }
    });
    found.sort(function (x, y) { return x[0] - y[0]; });
    var merged = [];
    found.forEach(function (h) {
      var last = merged[merged.length - 1];
      if (last && h[0] <= last[1]) last[1] = Math.max(last[1], h[1]);
      else merged.push(h.slice());
    });
    return { start: start, end: end, highlights: merged };
  }

  function kindOf(ch) {
    return isHan(ch) ? "han" : WORD.test(ch) ? "word" : null;
  }

  function runs(text) {
    var chars = Array.from(text), result = [], kind = null, start = 0;
    for (var i = 0; i <= chars.length; i++) {
      var k = i < chars.length ? kindOf(chars[i]) : null;
      if (k !== kind) {
        if (kind) result.push([kind, chars.slice(start, i)]);
        kind = k;
        start = i;
      }
    }
    return result;
  }

  function indexTokens(text) {
    var tokens = [];
    runs(normalize(text)).forEach(function (run) {
      var chars = run[1];
      if (run[0] === "word") { tokens.push(chars.join("")); return; }
      for (var i = 0; i + 1 < chars.length; i++) tokens.push(chars[i] + chars[i + 1]);
      tokens.push.apply(tokens, chars);
    });
    return tokens;
  }

  function queryTokens(text) {
    var tokens = [];
    runs(normalize(text)).forEach(function (run) {
      var chars = run[1];
      if (run[0] === "word" || chars.length === 1) { tokens.push(chars.join("")); return; }
      for (var i = 0; i + 1 < chars.length; i++) tokens.push(chars[i] + chars[i + 1]);
    });
    return tokens.filter(function (t, i) { return tokens.indexOf(t) === i; });
  }

  /* 32-bit FNV-1a over code points, as edition/search.py computes it. */
  function hash(text) {
    var h = 0x811c9dc5;
    for (var ch of text) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    return h;
  }

  /* [namespace, hash key] of an index term: single Han characters live apart ("u"),
     and a title word shares the bucket of its first bigram. */
  function bucketOf(term) {
    var chars = Array.from(term);
    if (chars.length === 1 && isHan(chars[0])) return ["u", term];
    if (chars.length > 2 && isHan(chars[0]) && isHan(chars[1])) return ["b", chars[0] + chars[1]];
    return ["b", term];
  }

  /* The pieces of a query that a result must contain, after the same normalization. */
  function needles(text) {
    return runs(normalize(text)).map(function (run) { return run[1].join(""); });
  }

  var api = {
    normalize: normalize, isHan: isHan, indexTokens: indexTokens, queryTokens: queryTokens,
    hash: hash, bucketOf: bucketOf, needles: needles, mapped: mapped, snippet: snippet
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else (root.edition = root.edition || {}).tokenizer = api;
})(typeof self !== "undefined" ? self : this);
