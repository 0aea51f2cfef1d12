/* The search page's URL parameters, read strictly: what a reader plausibly types is understood
   (2022-6-1, 2022/6/1, 2022年6月1日, 20220601, a month or a year, full-width digits), anything else
   is left out with a note the page shows, and no user string is used to index an object.

   edition.searchParams.read(URLSearchParams, meta) → {q, scope, sort, from, to, publication,
     section, column, kind, page, notes}: every value valid (or "" / the default), and a note per
     value that was left out or changed. meta is the index's meta.js (publications, 版名, 栏目, kinds). */
(function (root) {
  "use strict";
  var tok = root.edition && root.edition.tokenizer || require("./tokenizer.js");

  var SCOPES = ["all", "title", "author", "column"];
  var SORTS = ["relevance", "newest", "oldest"];
  var FULL_DATE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
  var PACKED_DATE = /^(\d{4})(\d{2})(\d{2})$/;
  var MONTH = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/;
  var YEAR = /^(\d{4})\s*年?$/;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function daysIn(year, month) { return new Date(Date.UTC(year, month, 0)).getUTCDate(); }

  /* An ISO date (YYYY-MM-DD) from what a reader typed, or null. A month or a year stands for
     its first day, or its last when it ends a range (last = true). */
  function parseDate(text, last) {
    var s = String(text).normalize("NFKC").trim(), m, year, month, day;
    if ((m = FULL_DATE.exec(s) || PACKED_DATE.exec(s))) {
      year = Number(m[1]); month = Number(m[2]); day = Number(m[3]);
    } else if ((m = MONTH.exec(s))) {
      year = Number(m[1]); month = Number(m[2]);
      day = month >= 1 && month <= 12 ? (last ? daysIn(year, month) : 1) : 0;
    } else if ((m = YEAR.exec(s))) {
      year = Number(m[1]); month = last ? 12 : 1; day = last ? 31 : 1;
    } else return null;
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
    return m[1] + "-" + pad(month) + "-" + pad(day);
  }

  /* The listed value that reads as the text, after the search's normalization, or null. */
  function listed(values, text) {
    var wanted = tok.normalize(text).trim();
    for (var i = 0; i < values.length; i++) if (tok.normalize(values[i]) === wanted) return values[i];
    return null;
  }

  function read(params, meta) {
    var notes = [];
    function get(name) { return (params.get(name) || "").trim(); }
    function choice(name, allowed, fallback, note) {
      var value = get(name);
      if (!value) return fallback;
      if (allowed.indexOf(value) >= 0) return value;
      notes.push(note(value));
      return fallback;
    }
    function filter(name, values, note) {
      var value = get(name);
      if (!value) return "";
      var found = listed(values, value);
      if (found === null) notes.push(note(value));
      return found === null ? "" : found;
    }
    function date(name, label, last) {
      var value = get(name);
      if (!value) return "";
      var iso = parseDate(value, last);
      if (!iso) notes.push(label + "“" + value + "”无法识别，已忽略；请写成 2022-06-01 这样的日期。");
      return iso || "";
    }

    var asked = { q: get("q") };
    asked.scope = choice("scope", SCOPES, "all", function (v) { return "检索范围“" + v + "”无法识别，已在全文中检索。"; });
    asked.sort = choice("sort", SORTS, "relevance", function (v) { return "排序方式“" + v + "”无法识别，已按相关度排序。"; });
    var pubs = meta.pubs.map(function (p) { return p[0]; });
    asked.publication = choice("publication", pubs, "", function (v) {
      return "没有代号为“" + v + "”的报刊，已在全部报刊中检索。";
    });
    asked.section = filter("section", meta.sections, function (v) { return "没有名为“" + v + "”的版面，已忽略这一筛选。"; });
    asked.column = filter("column", meta.columns, function (v) { return "没有名为“" + v + "”的栏目，已忽略这一筛选。"; });
    asked.kind = choice("kind", meta.kinds, "", function (v) { return "没有“" + v + "”这一体裁，已忽略这一筛选。"; });
    asked.from = date("from", "起始日期", false);
    asked.to = date("to", "截止日期", true);
    if (asked.from && asked.to && asked.from > asked.to) {
      notes.push("起始日期晚于截止日期，已将两者对调。");
      var from = parseDate(get("to"), false), to = parseDate(get("from"), true);
      asked.from = from;
      asked.to = to;
    }
    var page = get("page").normalize("NFKC");
    asked.page = 1;
    if (/^\d{1,6}$/.test(page) && Number(page) >= 1) asked.page = Number(page);
    else if (page) notes.push("页码“" + get("page") + "”无法识别，已显示第 1 页。");
    asked.notes = notes;
    return asked;
  }

  var api = { read: read, parseDate: parseDate };
  if (typeof module === "object" && module.exports) module.exports = api;
  else (root.edition = root.edition || {}).searchParams = api;
})(typeof self !== "undefined" ? self : this);
