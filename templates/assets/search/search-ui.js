/* The search page: reads the query from the URL, shows results as they arrive.
   Every piece of result text goes in through textContent, never as HTML. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var pager = document.getElementById("search-pager");
  var notice = document.getElementById("search-notice");
  var params = new URLSearchParams(location.search);
  var PAGE = 10;
  var FIELDS = ["q", "scope", "publication", "from", "to", "section", "column", "kind", "sort"];
  var KINDS = window.edition.facts.kinds;  // labels made by the build from edition/facts.py

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fillSelect(name, values, labels) {
    var select = form.elements[name];
    values.forEach(function (value, i) {
      var option = el("option", "", labels ? labels[i] : value);
      option.value = value;
      select.appendChild(option);
    });
  }

  function chineseDate(iso) {
    var parts = iso.split("-").map(Number);
    return parts[0] + "年" + parts[1] + "月" + parts[2] + "日";
  }

  function snippet(result) {
    var p = el("p", "snippet");
    var at = 0;
    result.highlights.forEach(function (h) {
      p.appendChild(document.createTextNode(result.snippet.slice(at, h[0])));
      p.appendChild(el("mark", "", result.snippet.slice(h[0], h[1])));
      at = h[1];
    });
    p.appendChild(document.createTextNode(result.snippet.slice(at)));
    return p;
  }

  function count(found) {
    return (found.exact ? "" : "约 ") + found.total;
  }

  function show(found, query, pageNumber) {
    list.replaceChildren();
    found.results.forEach(function (result) {
      var item = el("li", "result");
      var heading = el("h2", "headline");
      if (result.kicker) heading.appendChild(el("span", "kicker", result.kicker));
      if (result.draft) heading.appendChild(el("span", "kind-label draft-mark", "〔草稿〕"));
      var link = el("a", "", result.title);
      link.href = result.url;
      heading.appendChild(link);
      if (result.subtitle) heading.appendChild(el("span", "subtitle", result.subtitle));
      item.appendChild(heading);
      var meta = [chineseDate(result.date), result.publication, result.page];
      if (result.bylines) meta.push(result.bylines);
      item.appendChild(el("p", "meta", meta.join(" · ")));
      item.appendChild(snippet(result));
      list.appendChild(item);
    });
    var pages = Math.max(1, Math.ceil(found.total / PAGE));
    if (!found.total) {
      status.textContent = found.done ? "没有找到与“" + query + "”相符的文章。请换一个词，或放宽筛选条件。" : "正在检索…";
    } else if (!found.results.length && found.done) {
      status.textContent = "共找到 " + count(found) + " 篇与“" + query + "”相符的文章，本页之后已无结果。";
    } else {
      status.textContent = "找到 " + count(found) + " 篇与“" + query + "”相符的文章" +
        (found.done ? "，第 " + pageNumber + " / " + (found.exact ? "" : "约 ") + pages + " 页" : "，正在继续检索…");
    }
    pager.replaceChildren();
    if (found.done && (pages > 1 || pageNumber > 1)) {
      [[pageNumber - 1, "上一页"], [pageNumber + 1, "下一页"]].forEach(function (p) {
        if (p[0] < 1 || (p[0] > pages && found.exact) || (p[0] > pageNumber && found.results.length < PAGE)) return;
        var next = new URLSearchParams(params);
        next.set("page", p[0]);
        var a = el("a", "", p[1]);
        a.href = "?" + next.toString();
        a.rel = p[0] < pageNumber ? "prev" : "next";
        pager.appendChild(a);
      });
      pager.appendChild(el("span", "", "第 " + pageNumber + " / " + (found.exact ? "" : "约 ") + pages + " 页"));
    }
  }

  function run(meta) {
    fillSelect("publication", meta.pubs.map(function (p) { return p[0]; }), meta.pubs.map(function (p) { return p[1]; }));
    fillSelect("section", meta.sections);
    fillSelect("column", meta.columns);
    fillSelect("kind", meta.kinds, meta.kinds.map(function (k) { return KINDS[k] || k; }));
    var asked = window.edition.searchParams.read(params, meta);  // every value valid, and notes on the rest
    FIELDS.forEach(function (name) { form.elements[name].value = asked[name]; });
    notice.replaceChildren();
    asked.notes.forEach(function (note) { notice.appendChild(el("li", "", note)); });
    notice.hidden = !asked.notes.length;
    var query = asked.q;
    if (!query) {
      status.textContent = "请输入要检索的词语，例如人名、地名或一句话。";
      return;
    }
    document.title = query + " · " + document.title;
    var pageNumber = asked.page;
    var options = { limit: PAGE, offset: (pageNumber - 1) * PAGE };
    FIELDS.slice(1).forEach(function (name) { if (asked[name]) options[name] = asked[name]; });
    var last = null, counted = null;
    function settle() {  // the exact count, once known: the page numbers follow it
      if (!last || !(last.exact || counted)) return;
      if (counted) {
        last.total = counted.total;
        last.exact = true;
      }
      show(last, query, pageNumber);
      document.body.dataset.searchCounted = "true";
    }
    options.onProgress = function (found) { show(found, query, pageNumber); };
    options.onTotal = function (total) { counted = total; settle(); };
    status.textContent = "正在检索…";
    window.edition.search(query, options).then(function (found) {
      found.done = true;
      last = found;
      show(found, query, pageNumber);
      settle();
      document.body.dataset.searchDone = "true";
    }, function (error) {
      status.textContent = "检索出错：" + error.message;
      document.body.dataset.searchDone = "error";
    });
  }

  window.edition.searchMeta().then(run, function (error) {
    status.textContent = "检索索引无法加载：" + error.message;
  });
})();
