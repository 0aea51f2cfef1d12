/* The search tokenizer, kept identical to edition/tokenizer.py (see tests/fixtures/tokenizer_cases.json).
   Han text becomes overlapping bigrams plus single characters, Latin letters and digits whole words.
   Strings are walked by code point (Array.from), so astral characters match the Python side.
   The Han ranges come from the build (assets/search/facts.js, made from edition/facts.py). */
(function (root) {
  "use strict";
  var HAN_RANGES = (root.edition && root.edition.facts || {}).hanRanges;
  if (!HAN_RANGES) throw new Error("assets/search/facts.js must be loaded before tokenizer.js");
  var WORD = /^[\p{L}\p{N}]$/u;

  function isHan(ch) {
    var cp = ch.codePointAt(0);
    for (var i = 0; i < HAN_RANGES.length; i++) {
      if (cp >= HAN_RANGES[i][0] && cp <= HAN_RANGES[i][1]) return true;
    }
    return false;
  }

  function normalize(text) {
    return String(text).normalize("NFKC").toLowerCase();
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
    hash: hash, bucketOf: bucketOf, needles: needles
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else (root.edition = root.edition || {}).tokenizer = api;
})(typeof self !== "undefined" ? self : this);
